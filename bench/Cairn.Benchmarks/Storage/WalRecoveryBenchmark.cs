using BenchmarkDotNet.Attributes;
using Cairn.Raft;
using Cairn.Storage;

namespace Cairn.Benchmarks.Storage;

/// <summary>Opening (recovering) a data directory holding a log of <see cref="LogMegabytes"/> MiB of 256-byte entries.</summary>
[MemoryDiagnoser]
public class WalRecoveryBenchmark
{
    private string _directory = "";

    [Params(256)]
    public int LogMegabytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"cairn-bench-recovery-{Environment.ProcessId}");
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        var data = new byte[256];
        var entries = new Entry[1024];
        using var wal = WalStorage.Open(_directory);
        for (long written = 0; written < (long)LogMegabytes << 20; written += entries.Length * 277)
        {
            for (var j = 0; j < entries.Length; j++)
            {
                entries[j] = new Entry(wal.LastIndex.Plus((ulong)j + 1), new Term(1), EntryKind.Command, data);
            }

            wal.Persist(null, entries, null);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public LogIndex Open()
    {
        using var wal = WalStorage.Open(_directory);
        return wal.LastIndex;
    }
}
