using BenchmarkDotNet.Running;
using Cairn.Benchmarks.Storage;

// `storage-probe [dir] [recovery-bytes]` prints the storage latency figures directly (fsync latency is better measured
// as a distribution than by BenchmarkDotNet's means); anything else goes to BenchmarkDotNet, e.g. `--filter '*Raft*'`.
if (args.Length > 0 && args[0] == "storage-probe")
{
    var directory = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "cairn-storage-probe");
    var recoveryBytes = args.Length > 2 ? long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1L << 30;
    StorageLatencyProbe.Run(directory, recoveryBytes, Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Cairn.Benchmarks.Raft.RaftCoreBenchmark).Assembly).Run(args);
return 0;
