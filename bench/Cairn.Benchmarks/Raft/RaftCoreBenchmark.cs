using BenchmarkDotNet.Attributes;
using Cairn.Raft;

namespace Cairn.Benchmarks.Raft;

/// <summary>
/// The pure core's throughput: a three-node cluster in memory, no I/O. One operation is one proposed entry of 256
/// bytes, proposed in batches of 1 or 64 and pumped until every node has applied it; so the mean is the time per
/// committed entry and the allocation column is bytes per entry.
/// </summary>
[MemoryDiagnoser]
public class RaftCoreBenchmark
{
    private static readonly ReadOnlyMemory<byte> _payload = new byte[256];
    private InMemoryCluster _cluster = null!;

    [GlobalSetup]
    public void Setup() => _cluster = new InMemoryCluster(3);

    [Benchmark(OperationsPerInvoke = 1)]
    public void CommitBatchOf1() => ProposeAndCommit(1);

    [Benchmark(OperationsPerInvoke = 64)]
    public void CommitBatchOf64() => ProposeAndCommit(64);

    private void ProposeAndCommit(int batch)
    {
        var leader = _cluster.Leader!;
        for (var i = 0; i < batch; i++)
        {
            if (leader.Propose(_payload, out _) != ProposeResult.Accepted)
            {
                throw new InvalidOperationException("the leader refused a proposal");
            }
        }

        _cluster.Pump();
    }
}
