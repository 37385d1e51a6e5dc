using Cairn.State.Kv;

namespace Cairn.State;

/// <summary>
/// What a module sees while applying one command: the log index, the committed time, the cluster-wide revision
/// counter and the sink for change events. Owned by the <see cref="StateMachine"/>; valid only during the call.
/// </summary>
public sealed class ApplyContext
{
    private readonly List<WatchEvent> _events = [];

    internal ApplyContext(StateMachineOptions options) => Options = options;

    /// <summary>The log index of the command being applied.</summary>
    public ulong Index { get; private set; }

    /// <summary>The committed time in milliseconds (advanced only by <see cref="ExpireLeasesCommand"/>).</summary>
    public ulong CommittedTimeMs { get; private set; }

    /// <summary>The promoted leader's clock and how it maps to committed time.</summary>
    internal LeaderEpochClock LeaderClock { get; private set; }

    /// <summary>The cluster-wide revision: the revision of the latest write, 1 for an empty store (as in etcd).</summary>
    public ulong Revision { get; private set; }

    /// <summary>The machine's options (identical on every replica).</summary>
    public StateMachineOptions Options { get; }

    /// <summary>The events emitted so far by this command, in order.</summary>
    internal IReadOnlyList<WatchEvent> Events => _events;

    /// <summary>
    /// The moment a command was proposed, in committed time, for a command that carries the proposing leader's clock
    /// (a lease grant or keep-alive): when <paramref name="leaderEpoch"/> is the promoted epoch, the later of the
    /// committed time and <paramref name="leaderNowMs"/> mapped to committed time exactly as
    /// <see cref="ExpireLeasesCommand"/> maps it; otherwise (a stale or unknown epoch, or 0 from a proposer that did
    /// not lead) the committed time. It never changes the committed time itself.
    /// </summary>
    /// <param name="leaderEpoch">The epoch the proposer stamped (its Raft term when it led), or 0.</param>
    /// <param name="leaderNowMs">The proposer's clock in milliseconds when it proposed.</param>
    /// <returns>A committed-time value at or above <see cref="CommittedTimeMs"/>.</returns>
    public ulong ProposedAtMs(ulong leaderEpoch, ulong leaderNowMs) =>
        leaderEpoch == LeaderClock.Epoch && leaderEpoch != 0
            ? Math.Max(CommittedTimeMs, LeaderClock.ToCommittedMs(leaderNowMs))
            : CommittedTimeMs;

    /// <summary>Starts a write transaction: advances the revision by one and returns it. Call once per transaction.</summary>
    public ulong AllocateRevision() => ++Revision;

    /// <summary>Records a change event; events must be emitted in revision order.</summary>
    public void Emit(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _events.Add(change);
    }

    internal void Begin(ulong index, ulong committedTimeMs, ulong revision, LeaderEpochClock leaderClock)
    {
        Index = index;
        CommittedTimeMs = committedTimeMs;
        LeaderClock = leaderClock;
        Revision = revision;
        _events.Clear();
    }

    internal void SetCommittedTime(ulong committedTimeMs) => CommittedTimeMs = committedTimeMs;
}
