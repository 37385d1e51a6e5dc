using Cairn.Raft;
using Cairn.Simulation.Kv;

namespace Cairn.Simulation;

/// <summary>
/// One simulated server: a disk that keeps exactly what was persisted, and — while it is up — a Raft core and a
/// state machine, both lost on a crash and rebuilt from the disk on restart.
/// </summary>
internal sealed class SimulatedNode(NodeId id, RaftOptions options)
{
    public NodeId Id { get; } = id;

    public RaftOptions Options { get; } = options;

    public MemoryStorage Disk { get; } = new();

    public RaftNode? Core { get; private set; }

    public KvStateMachine Machine { get; set; } = new();

    public bool IsUp => Core is not null;

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

    /// <summary>Read-index requests answered by the core, waiting for the state machine to catch up.</summary>
    public List<ReadState> WaitingReads { get; } = [];

    /// <summary>The commit index this life of the node has reached (for monotonicity checks).</summary>
    public LogIndex HighestCommit { get; set; }

    public void Start(ulong seed)
    {
        Incarnation++;
        Machine = KvStateMachine.Restore(Disk.Snapshot.Data.Span);
        Core = new RaftNode(Options, Disk, new SplitMix64(seed));
        HighestCommit = LogIndex.Zero;
        WaitingReads.Clear();
    }

    public void Crash()
    {
        Core = null;
        WaitingReads.Clear();
    }
}
