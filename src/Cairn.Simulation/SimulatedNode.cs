using Cairn.Node;
using Cairn.Raft;

namespace Cairn.Simulation;

/// <summary>
/// One simulated server: a disk that keeps exactly what was persisted, and — while it is up — the real node runtime
/// (<see cref="NodeLoop"/>: Raft core, state machine, waiting requests), its watch hub, its monotonic clock and its
/// leader duties, all lost on a crash and rebuilt from the disk on restart.
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

    /// <summary>
    /// This life's monotonic clock reads <c>ClockOffsetMs + simulated time</c>: a restarted process's clock has nothing
    /// to do with its previous life's, nor with the other nodes' clocks (they all run at the same rate).
    /// </summary>
    public ulong ClockOffsetMs { get; private set; }

    /// <summary>The term this life of the node has committed its leader promotion in (0: none yet).</summary>
    public ulong PromotedTerm { get; set; }

    /// <summary>True while a leader duty (promotion or sweep) is proposed and not yet answered: one at a time.</summary>
    public bool DutyInFlight { get; set; }

    /// <summary>The tick at which the leader proposes its next sweep (<c>ExpireLeases</c>).</summary>
    public long NextSweepAt { get; set; }

    /// <summary>The tick at which the leader next checks whether the watch history is due for compaction.</summary>
    public long NextCompactionCheckAt { get; set; }

    public void Start(ulong seed, ulong clockOffsetMs, SimulatedStateMachine machine, CheckedDisk disk, Action<Message> send)
    {
        Incarnation++;
        Machine = machine;
        ClockOffsetMs = clockOffsetMs;
        PromotedTerm = 0;
        DutyInFlight = false;
        NextSweepAt = 0;
        NextCompactionCheckAt = 0;
        Loop = new NodeLoop(Options, disk, machine, new SplitMix64(seed), send);
        HighestCommit = LogIndex.Zero;
        JustElected = false;
    }

    public void Crash()
    {
        Machine?.Watches.Dispose();
        Loop = null;
        Machine = null;
    }
}
