using BenchmarkDotNet.Attributes;
using Cairn.Storage;

namespace Cairn.Benchmarks.Storage;

/// <summary>The raw limit the WAL is measured against: a 4 KiB write followed by fdatasync, on the same disk.</summary>
[MemoryDiagnoser]
public class RawFsyncBenchmark
{
    private readonly byte[] _block = new byte[4096];
    private string _path = "";
    private FileStream _stream = null!;
    private long _offset;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"cairn-bench-raw-{Environment.ProcessId}");
        _stream = new FileStream(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stream.Dispose();
        File.Delete(_path);
    }

    [Benchmark(Baseline = true)]
    public void WriteAndFDataSync()
    {
        RandomAccess.Write(_stream.SafeFileHandle, _block, _offset);
        _offset += _block.Length;
        NativeMethods.FDataSync(_stream.SafeFileHandle);
    }
}
