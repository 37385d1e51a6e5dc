namespace Cairn.Raft;

/// <summary>
/// Everything the host must do for the core, in this order (the order is what makes it safe):
/// <list type="number">
/// <item><b>Persist</b> <see cref="Snapshot"/>, <see cref="Entries"/> and <see cref="HardState"/> atomically with
/// one sync (<see cref="IRaftStorage.Persist"/>). Nothing below may happen before the sync returns: a vote or an
/// append acknowledged before it is durable can be forgotten by a crash and break safety.</item>
/// <item><b>Send</b> <see cref="Messages"/> (any order, any may be lost).</item>
/// <item><b>Track</b> the <see cref="ForwardedProposals"/>: fail the refused ones, and wait for the accepted ones as
/// for the host's own proposals (before applying, so an entry committed in this same ready is recognised).</item>
/// <item><b>Apply</b> <see cref="Snapshot"/> (restore the state machine) then <see cref="CommittedEntries"/> in order.</item>
/// <item><b>Complete</b> the <see cref="ReadStates"/> once the applied index reaches each read's index.</item>
/// <item><b>Acknowledge</b> with <see cref="RaftNode.Advance"/>, passing this same object.</item>
/// </list>
/// One exception to the order: when <see cref="MaySendBeforePersist"/> is set (a leader's ready), the host may send
/// first and persist after, so the followers write to their disks while the leader writes to its own (thesis §10.2.1).
/// <see cref="Entries"/> and <see cref="CommittedEntries"/> live in pooled arrays that <see cref="RaftNode.Advance"/>
/// gives back: copy what must outlive it (the entries themselves are values; their payloads are not pooled).
/// </summary>
public sealed class Ready
{
    internal Ready(
        SoftState? softState,
        HardState? hardState,
        IReadOnlyList<Entry> entries,
        Snapshot? snapshot,
        IReadOnlyList<Message> messages,
        IReadOnlyList<Entry> committedEntries,
        IReadOnlyList<ReadState> readStates,
        IReadOnlyList<ForwardedProposal> forwardedProposals,
        bool maySendBeforePersist)
    {
        SoftState = softState;
        HardState = hardState;
        Entries = entries;
        Snapshot = snapshot;
        Messages = messages;
        CommittedEntries = committedEntries;
        ReadStates = readStates;
        ForwardedProposals = forwardedProposals;
        MaySendBeforePersist = maySendBeforePersist;
    }

    /// <summary>The new leader/role/term when it changed since the last ready; null otherwise.</summary>
    public SoftState? SoftState { get; }

    /// <summary>The hard state to persist when it changed; null otherwise.</summary>
    public HardState? HardState { get; }

    /// <summary>Entries to persist, replacing any persisted entries from <c>Entries[0].Index</c> on.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>A snapshot received from the leader, to persist and restore; null otherwise.</summary>
    public Snapshot? Snapshot { get; }

    /// <summary>Messages to send once the persist step is durable.</summary>
    public IReadOnlyList<Message> Messages { get; }

    /// <summary>Committed entries to apply, in log order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; }

    /// <summary>Read-index requests whose index is now known.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>
    /// The leader's answers to proposals this follower forwarded. Track each accepted one at its index and term before
    /// applying <see cref="CommittedEntries"/>, which may already include it.
    /// </summary>
    public IReadOnlyList<ForwardedProposal> ForwardedProposals { get; }

    /// <summary>
    /// True when <see cref="Messages"/> promise nothing that the persist step makes durable, so they may be sent before
    /// it: set for a leader whose ready changes neither term nor vote and installs no snapshot. A leader's messages
    /// (appends, heartbeats, snapshots, read confirmations, placements of forwarded proposals, TimeoutNow) acknowledge nothing of its own log, and the
    /// leader counts its own new entries towards a commit only when it handles a follower's acknowledgement, which the
    /// host steps only after it has finished this ready, persist included. A crash between sending and persisting loses the entries on
    /// the leader only, as if it had crashed before sending; followers may still commit them (thesis §10.2.1).
    /// Votes and append acknowledgements (followers, candidates) never get this flag.
    /// </summary>
    public bool MaySendBeforePersist { get; }

    /// <summary>True when the persist step has anything to write (so the host must sync).</summary>
    public bool MustPersist => HardState is not null || Entries.Count > 0 || Snapshot is not null;
}
