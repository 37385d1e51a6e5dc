using Cairn.Raft;

namespace Cairn.Benchmarks.Raft;

/// <summary>
/// Raft cores wired together in memory with no I/O: messages are handed over directly and storage is
/// <see cref="MemoryStorage"/>. Measures the core alone.
/// </summary>
internal sealed class InMemoryCluster
{
    private const int CompactEveryEntries = 100_000;

    private readonly RaftNode[] _nodes;
    private readonly MemoryStorage[] _disks;
    private readonly Queue<Message> _inFlight = new();

    public InMemoryCluster(int size)
    {
        var voters = Enumerable.Range(1, size).Select(i => new NodeId((ulong)i)).ToArray();
        _disks = [.. voters.Select(_ => new MemoryStorage())];
        _nodes = new RaftNode[size];
        for (var i = 0; i < size; i++)
        {
            RaftNode.Bootstrap(_disks[i], voters);
            _nodes[i] = new RaftNode(
                new RaftOptions { Id = voters[i], MaxInflightMessages = 256, MaxAppendBytes = 1 << 20 },
                _disks[i],
                new SplitMix64((ulong)i + 1));
        }

        Pump();
        while (Leader is null)
        {
            foreach (var node in _nodes)
            {
                node.Tick();
            }

            Pump();
        }
    }

    public RaftNode? Leader => _nodes.FirstOrDefault(n => n.Role == RaftRole.Leader);

    /// <summary>Handles every ready and delivers every message until the cluster is quiet.</summary>
    public void Pump()
    {
        bool busy;
        do
        {
            busy = false;
            for (var i = 0; i < _nodes.Length; i++)
            {
                var node = _nodes[i];
                while (node.HasReady)
                {
                    busy = true;
                    var ready = node.GetReady();
                    if (ready.MustPersist)
                    {
                        _disks[i].Persist(ready.HardState, ready.Entries, ready.Snapshot);
                    }

                    foreach (var message in ready.Messages)
                    {
                        _inFlight.Enqueue(message);
                    }

                    node.Advance(ready);
                    if (node.Applied.CountFrom(_disks[i].Snapshot.Metadata.Index) >= CompactEveryEntries)
                    {
                        _disks[i].SaveSnapshot(node.Applied, node.Membership, ReadOnlyMemory<byte>.Empty);
                    }
                }
            }

            while (_inFlight.TryDequeue(out var message))
            {
                busy = true;
                _nodes[message.To.Value - 1].Step(message);
            }
        }
        while (busy);
    }
}
