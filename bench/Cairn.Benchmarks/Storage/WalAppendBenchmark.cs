using BenchmarkDotNet.Attributes;
using Cairn.Raft;
using Cairn.Storage;

namespace Cairn.Benchmarks.Storage;

/// <summary>One WAL persist (one fdatasync) of a batch of 256-byte entries; compare with <see cref="RawFsyncBenchmark"/>.</summary>
[MemoryDiagnoser]
public class WalAppendBenchmark
{
    private readonly byte[] _data = new byte[256];
    private string _directory = "";
    private WalStorage _wal = null!;
    private Entry[] _entries = [];

    [Params(1, 16, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"cairn-bench-wal-{Environment.ProcessId}");
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        _wal = WalStorage.Open(_directory);
        _entries = new Entry[BatchSize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _wal.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public void Persist()
    {
        for (var j = 0; j < _entries.Length; j++)
        {
            _entries[j] = new Entry(_wal.LastIndex.Plus((ulong)j + 1), new Term(1), EntryKind.Command, _data);
        }

        _wal.Persist(new HardState(new Term(1), new NodeId(1), _wal.LastIndex), _entries, null);
    }
}
