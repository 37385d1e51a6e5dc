using System.Net;
using Cairn.Raft;
using Cairn.TestKit;
using Cairn.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// Node hosts on real clocks and event loops, connected by an in-memory network, each with a disk that survives its
/// host being stopped (a crash, as far as the others can tell). Waits poll with deadlines; nothing sleeps.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly InMemoryNetwork _network = new();
    private readonly NodeId[] _ids;
    private readonly Dictionary<NodeId, MemoryStorage> _disks = [];
    private readonly Dictionary<NodeId, CounterMachine> _machines = [];
    private readonly Dictionary<NodeId, NodeHost> _hosts = [];
    private readonly int _snapshotEvery;

    public InProcessCluster(int size, int snapshotEveryEntries = 10_000)
    {
        _snapshotEvery = snapshotEveryEntries;
        _ids = [.. Enumerable.Range(1, size).Select(i => new NodeId((ulong)i))];
        foreach (var id in _ids)
        {
            var disk = new MemoryStorage();
            RaftNode.Bootstrap(disk, _ids);
            _disks[id] = disk;
            Start(id);
        }
    }

    public IReadOnlyList<NodeId> Ids => _ids;

    public NodeHost Host(NodeId id) => _hosts[id];

    public CounterMachine Machine(NodeId id) => _machines[id];

    public bool IsRunning(NodeId id) => _hosts.ContainsKey(id);

    public void Start(NodeId id)
    {
        var transport = _network.CreateTransport(id);
        foreach (var peer in _ids.Where(p => p != id))
        {
            transport.AddPeer(peer, new IPEndPoint(IPAddress.Loopback, 0));
        }

        var machine = new CounterMachine();
        var options = new NodeOptions
        {
            Raft = new RaftOptions { Id = id, ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 2 },
            TickInterval = TimeSpan.FromMilliseconds(5),
            SnapshotEveryEntries = _snapshotEvery,
        };
        var host = new NodeHost(options, _disks[id], machine, m => transport.Send(m), transport.Received, id.Value, TimeProvider.System, NullLogger<NodeHost>.Instance);
        _machines[id] = machine;
        _hosts[id] = host;
        host.Start();
    }

    /// <summary>Stops a node's host: its in-memory state is gone, its disk stays.</summary>
    public async Task StopAsync(NodeId id)
    {
        var host = _hosts[id];
        _hosts.Remove(id);
        await host.DisposeAsync();
    }

    public async Task<NodeId> WaitForLeaderAsync(NodeId? except = null)
    {
        var leader = NodeId.None;
        await Poll.UntilAsync(async () =>
        {
            foreach (var (id, host) in _hosts)
            {
                if ((await host.GetStatusAsync(CancellationToken.None)).Role == RaftRole.Leader && id != except)
                {
                    leader = id;
                    return true;
                }
            }

            return false;
        }, "a leader", Deadline);
        return leader;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Poll.UntilAsync(condition, what, Deadline);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        _hosts.Clear();
    }
}
