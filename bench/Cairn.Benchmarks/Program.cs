using System.CommandLine;
using BenchmarkDotNet.Running;
using Cairn.Benchmarks.Kv;
using Cairn.Benchmarks.Storage;
using Cairn.Cli.Commands;

// `storage-probe [dir] [recovery-bytes]` prints the storage latency figures directly (fsync latency is better measured
// as a distribution than by BenchmarkDotNet's means); anything else goes to BenchmarkDotNet, e.g. `--filter '*Raft*'`.
if (args.Length > 0 && args[0] == "storage-probe")
{
    var directory = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "cairn-storage-probe");
    var recoveryBytes = args.Length > 2 ? long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1L << 30;
    StorageLatencyProbe.Run(directory, recoveryBytes, Console.Out);
    return 0;
}

// `fsync-probe [dir] [count]` prints only the raw 4 KiB write + fdatasync latency (p50/p99) of the disk under dir.
if (args.Length > 0 && args[0] == "fsync-probe")
{
    var directory = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "cairn-fsync-probe");
    var count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000;
    StorageLatencyProbe.RunRaw(directory, count, Console.Out);
    return 0;
}

// `etcd bench kv --endpoints ... [flags of cairn bench kv]` runs cairn's own load runner against etcd (dotnet-etcd).
if (args.Length > 0 && args[0] == "etcd")
{
    var endpoints = new Option<string?>("--endpoints") { Description = "Comma-separated etcd client URLs.", Recursive = true };
    var output = new Option<string>("--output", "-o") { Description = "table or json.", DefaultValueFactory = _ => "table", Recursive = true };
    output.AcceptOnlyFromAmong("table", "json");
    var root = new RootCommand("cairn bench kv against etcd.") { endpoints, output, BenchCommand.Create(endpoints, output, options => new EtcdKvDriver(options)) };
    return await root.Parse(args[1..]).InvokeAsync().ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(Cairn.Benchmarks.Raft.RaftCoreBenchmark).Assembly).Run(args);
return 0;
