using Cairn.Node;
using Cairn.Raft;

namespace Cairn.Simulation;

/// <summary>
/// One simulated server: a disk that keeps exactly what was persisted, and — while it is up — the real node runtime
/// (<see cref="NodeLoop"/>: Raft core, state machine, waiting requests), lost on a crash and rebuilt from the disk on
/// restart.
/// </summary>
internal sealed class SimulatedNode(NodeId id, NodeOptions options)
{
    public NodeId Id { get; } = id;

    public NodeOptions Options { get; } = options;

    public MemoryStorage Disk { get; } = new();

    public NodeLoop? Loop { get; private set; }

    public RaftNode? Core => Loop?.Core;

    public SimulatedStateMachine? Machine { get; private set; }

    public bool IsUp => Loop is not null;

    /// <summary>Counts restarts, so answers promised by an earlier life of the node are not delivered.</summary>
    public int Incarnation { get; private set; }

    /// <summary>Until this tick the node is slow: it skips ticks and handles messages late.</summary>
    public long SlowUntil { get; set; }

    /// <summary>
    /// Until this tick the node is frozen (a long GC pause, a stopped VM): no ticks, no messages, no client requests;
    /// everything waits for it. It then resumes believing what it believed before.
    /// </summary>
    public long PausedUntil { get; set; }

    /// <summary>True once the node has been removed from the group and stopped for good.</summary>
    public bool IsDecommissioned { get; set; }

    /// <summary>True from becoming leader until its first messages are out (a buggify point).</summary>
    public bool JustElected { get; set; }

    /// <summary>The commit index this life of the node has reached (for monotonicity checks).</summary>
    public LogIndex HighestCommit { get; set; }

    public void Start(ulong seed, SimulatedStateMachine machine, CheckedDisk disk, Action<Message> send)
    {
        Incarnation++;
        Machine = machine;
        Loop = new NodeLoop(Options, disk, machine, new SplitMix64(seed), send);
        HighestCommit = LogIndex.Zero;
        JustElected = false;
    }

    public void Crash()
    {
        Loop = null;
        Machine = null;
    }
}
