using Cairn.Raft;
using Cairn.State.Kv;
using Cairn.State.Watch;

namespace Cairn.Simulation;

/// <summary>
/// A watcher: one subscription at a time to some node's <see cref="WatchHub"/>, read every few ticks. When its node
/// crashes, or the hub cancels it (the node restored a snapshot, or the watcher lagged), it subscribes again — on the
/// same node or another — from the first revision it has not received, as a client of the API would.
/// </summary>
internal sealed class SimulatedWatcher(int id, byte[] prefix, bool prevKv, int readEveryTicks)
{
    public int Id { get; } = id;

    /// <summary>The key prefix watched (empty: every key).</summary>
    public byte[] Prefix { get; } = prefix;

    /// <summary>Whether the watcher asks for previous values.</summary>
    public bool PrevKv { get; } = prevKv;

    /// <summary>How often the watcher reads its events: a slow reader lags and gets cancelled.</summary>
    public int ReadEveryTicks { get; } = readEveryTicks;

    public NodeId Node { get; set; }

    public int Incarnation { get; set; }

    public WatchSubscription? Subscription { get; set; }

    /// <summary>A wait for the subscription's channel to have data or to complete, checked without blocking.</summary>
    public ValueTask<bool>? Waiting { get; set; }

    /// <summary>The first revision not yet received: where a new subscription starts.</summary>
    public ulong NextRevision { get; set; } = 1;

    /// <summary>The position in the committed history of the next event this watcher should receive (or a later one).</summary>
    public int Cursor { get; set; }

    /// <summary>Events received and found identical to the committed history.</summary>
    public int Checked { get; set; }

    /// <summary>Subscriptions started again after a crash, a reset, a lag or a compaction.</summary>
    public int Resumes { get; set; }

    /// <summary>Set at the first mismatch, so that one bug is reported once.</summary>
    public bool Failed { get; set; }

    public bool Matches(WatchEvent change) => change.Kv.Key.AsSpan().StartsWith(Prefix);
}
