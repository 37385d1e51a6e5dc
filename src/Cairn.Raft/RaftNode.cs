using Cairn.Raft.Tracking;

namespace Cairn.Raft;

/// <summary>
/// One member of a Raft group as a pure state machine, in the style of etcd's raft library: it does no I/O, reads
/// no clock, starts no threads and draws randomness only from the injected <see cref="IRandomSource"/>. The host
/// feeds it ticks (<see cref="Tick"/>), peer messages (<see cref="Step"/>) and requests (<see cref="Propose(ReadOnlyMemory{byte}, ulong, out LogIndex)"/>,
/// <see cref="ReadIndex"/>, <see cref="ProposeMembershipChange"/>, <see cref="TransferLeadership"/>), and carries
/// out what each <see cref="Ready"/> asks, then calls <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// Not thread-safe: every call must come from the one thread (event loop) that owns the node. A broken invariant
/// throws <see cref="RaftInvariantException"/>; the node must then be discarded.
/// Bootstrapping: a brand-new group is created by persisting its initial membership as entries (see
/// <see cref="Bootstrap"/>); a node joining an existing group starts with empty storage and waits for the leader.
/// </remarks>
public sealed partial class RaftNode
{
    private readonly RaftOptions _options;
    private readonly IRandomSource _random;
    private readonly RaftLog _log;
    private readonly Dictionary<NodeId, Progress> _progress = [];
    private readonly List<Message> _outbox = [];
    private readonly List<ReadState> _readStates = [];

    private HardState _persistedHardState;
    private SoftState _reportedSoftState;
    private Ready? _pendingReady;

    private int _electionElapsedTicks;
    private int _heartbeatElapsedTicks;
    private int _randomizedElectionTimeoutTicks;

    /// <summary>Creates a node over <paramref name="storage"/>, resuming from whatever it holds.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RaftNode(RaftOptions options, IRaftLogReader storage, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        _options = options;
        _random = random;
        _log = new RaftLog(storage);
        _persistedHardState = storage.HardState;
        Term = storage.HardState.Term;
        Vote = storage.HardState.Vote;
        // Membership changes after the snapshot take effect again as their entries are re-applied.
        Membership = storage.Snapshot.Metadata.Membership;
        BecomeFollower(Term, NodeId.None);
        _reportedSoftState = SoftState;
    }

    /// <summary>This node's id.</summary>
    public NodeId Id => _options.Id;

    /// <summary>The current term.</summary>
    public Term Term { get; private set; }

    /// <summary>The vote cast in <see cref="Term"/>, or <see cref="NodeId.None"/>.</summary>
    public NodeId Vote { get; private set; }

    /// <summary>This node's role.</summary>
    public RaftRole Role { get; private set; }

    /// <summary>The leader this node knows of in <see cref="Term"/>, or <see cref="NodeId.None"/>.</summary>
    public NodeId Leader { get; private set; }

    /// <summary>The membership in force as of the applied index.</summary>
    public Membership Membership { get; private set; }

    /// <summary>True once a committed membership change has removed this node from the group.</summary>
    public bool IsRemoved { get; private set; }

    /// <summary>The highest index known to be committed.</summary>
    public LogIndex Commit => _log.Committed;

    /// <summary>The highest index the host has applied and acknowledged through <see cref="Advance"/>.</summary>
    public LogIndex Applied => _log.Applied;

    /// <summary>The last index in the log (persisted or not).</summary>
    public LogIndex LastIndex => _log.LastIndex;

    /// <summary>The term of the last entry in the log.</summary>
    public Term LastTerm => _log.LastTerm;

    /// <summary>The first index still in the log (after the latest snapshot).</summary>
    public LogIndex FirstIndex => _log.FirstIndex;

    /// <summary>The target of the leadership transfer in progress, or <see cref="NodeId.None"/>.</summary>
    public NodeId TransferTarget { get; private set; }

    /// <summary>The current soft state.</summary>
    public SoftState SoftState => new(Leader, Role, Term);

    private HardState HardState => new(Term, Vote, _log.Committed);

    /// <summary>
    /// Voters campaign; so does a removed node, whose log may hold entries the others lack and who may be the only
    /// one able to lead: it wins only with a majority of the voters it knows (which exclude it) and, as leader, at
    /// once hands over. Learners and nodes that have not joined yet never campaign.
    /// </summary>
    private bool IsPromotable => Membership.IsVoter(Id) || IsRemoved;

    /// <summary>
    /// Writes the initial membership of a brand-new group into empty storage: one membership entry per voter at
    /// term 1, committed. Every founding member runs this with the same voters before its first start.
    /// </summary>
    /// <exception cref="InvalidOperationException">The storage is not empty.</exception>
    public static void Bootstrap(IRaftStorage storage, IReadOnlyList<NodeId> voters)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(voters);
        if (storage.LastIndex != LogIndex.Zero || storage.HardState != HardState.Empty)
        {
            throw new InvalidOperationException("bootstrap needs empty storage");
        }

        var term = new Term(1);
        var entries = voters.Order().Select((id, i) => new Entry(
            new LogIndex((ulong)i + 1), term, EntryKind.MembershipChange,
            new MembershipChange(MembershipChangeKind.AddVoter, id, ReadOnlyMemory<byte>.Empty).Encode())).ToArray();
        storage.Persist(new HardState(term, NodeId.None, new LogIndex((ulong)entries.Length)), entries, null);
    }

    /// <summary>
    /// Advances logical time by one tick: followers and candidates count towards an election, leaders towards a
    /// heartbeat and a check-quorum round.
    /// </summary>
    public void Tick()
    {
        if (Role == RaftRole.Leader)
        {
            TickLeader();
        }
        else
        {
            TickElection();
        }
    }

    /// <summary>
    /// Proposes a command. On a leader it is appended to the log and replicated; <paramref name="index"/> is its
    /// position, and it is applied at that index with this <see cref="Term"/> unless a new leader overwrites it (then
    /// the entry applied there has another term and the proposal is lost). Elsewhere returns why not.
    /// </summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> command, out LogIndex index) =>
        ProposeEntry(EntryKind.Command, command, out index);

    /// <summary>
    /// Starts a linearizable read (thesis §6.4). On success a <see cref="ReadState"/> with this
    /// <paramref name="requestId"/> arrives in a later <see cref="Ready"/> once a quorum has confirmed that the leader
    /// still leads; the host may read its local state once it has applied up to the read state's index. On the leader
    /// that is its own confirmation round; on a follower or learner that knows the leader, the request goes to the
    /// leader, which answers after its round (followers serve linearizable reads without relaying them). Reads queued
    /// when leadership is lost, or whose message is lost, never complete: the host fails them when it sees the leader
    /// or term change, and times out the rest.
    /// </summary>
    public ProposeResult ReadIndex(ulong requestId)
    {
        if (Role == RaftRole.Follower && !Leader.IsNone && !IsRemoved)
        {
            Send(new Message { Type = MessageType.ReadIndex, From = Id, To = Leader, Term = Term, Context = requestId });
            return ProposeResult.Accepted;
        }

        var refusal = CheckCanLead();
        if (refusal != ProposeResult.Accepted)
        {
            return refusal;
        }

        QueueReadIndex(requestId, Id);
        return ProposeResult.Accepted;
    }

    /// <summary>Whether <see cref="GetReady"/> has anything to hand out. False while a ready awaits <see cref="Advance"/>.</summary>
    public bool HasReady =>
        _pendingReady is null &&
        (SoftState != _reportedSoftState || HardState != _persistedHardState || _log.UnstableCount > 0 ||
         _log.UnstableSnapshot is not null || _outbox.Count > 0 || _readStates.Count > 0 || _forwardedProposals.Count > 0 ||
         (_log.UnstableSnapshot is null && _log.Committed > _log.Applying) || HasAppendsToFlush());

    /// <summary>Takes the work the host must do now; see <see cref="Ready"/> for the order. Call <see cref="Advance"/> after.</summary>
    /// <exception cref="InvalidOperationException">The previous ready has not been advanced.</exception>
    public Ready GetReady()
    {
        if (_pendingReady is not null)
        {
            throw new InvalidOperationException("the previous Ready has not been advanced");
        }

        FlushAppends();
        var soft = SoftState;
        var hard = HardState;
        var ready = new Ready(
            soft != _reportedSoftState ? soft : null,
            hard != _persistedHardState ? hard : null,
            _log.UnstableEntries(),
            _log.UnstableSnapshot,
            TakeAll(_outbox),
            _log.NextCommittedEntries(_options.MaxApplyBytes),
            TakeAll(_readStates),
            TakeAll(_forwardedProposals),
            Role == RaftRole.Leader && _log.UnstableSnapshot is null && hard.Term == _persistedHardState.Term && hard.Vote == _persistedHardState.Vote);
        _pendingReady = ready;
        return ready;
    }

    /// <summary>
    /// Acknowledges that everything in <paramref name="ready"/> is persisted, sent and applied. Membership changes
    /// among its committed entries take effect here.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="ready"/> is not the ready handed out last.</exception>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, _pendingReady))
        {
            throw new InvalidOperationException("Advance must be given the Ready returned by the last GetReady");
        }

        _pendingReady = null;
        if (ready.SoftState is { } soft)
        {
            _reportedSoftState = soft;
        }

        if (ready.HardState is { } hard)
        {
            _persistedHardState = hard;
        }

        if (ready.Snapshot is { } snapshot)
        {
            _log.SnapshotStable(snapshot.Metadata.Index);
            _log.AppliedTo(snapshot.Metadata.Index);
        }

        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            _log.StableTo(last.Index, last.Term);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            if (entry.Kind == EntryKind.MembershipChange)
            {
                ApplyMembershipChange(MembershipChange.Decode(entry.Data));
            }
        }

        if (ready.CommittedEntries.Count > 0)
        {
            _log.AppliedTo(ready.CommittedEntries[^1].Index);
        }

        RaftLog.Return(ready.Entries);
        RaftLog.Return(ready.CommittedEntries);
    }

    /// <summary>The leader's view of each other member's replication, for status displays. Empty on followers.</summary>
    public IReadOnlyList<PeerStatus> PeerStatuses() =>
        [.. _progress.OrderBy(p => p.Key).Select(p => new PeerStatus(p.Key, p.Value.Match, p.Value.Next, p.Value.State.ToString(), Membership.IsLearner(p.Key)))];

    private static T[] TakeAll<T>(List<T> list)
    {
        if (list.Count == 0)
        {
            return [];
        }

        var items = list.ToArray();
        list.Clear();
        return items;
    }

    private ProposeResult CheckCanLead()
    {
        if (IsRemoved)
        {
            return ProposeResult.Removed;
        }

        if (Role != RaftRole.Leader)
        {
            return ProposeResult.NotLeader;
        }

        return TransferTarget.IsNone ? ProposeResult.Accepted : ProposeResult.TransferInProgress;
    }

    private ProposeResult ProposeEntry(EntryKind kind, ReadOnlyMemory<byte> data, out LogIndex index)
    {
        index = LogIndex.Zero;
        var refusal = CheckCanLead();
        if (refusal != ProposeResult.Accepted)
        {
            return refusal;
        }

        if (_log.LastIndex.CountFrom(_log.Committed) >= (ulong)_options.MaxUncommittedEntries)
        {
            return ProposeResult.Dropped;
        }

        index = AppendAsLeader(kind, data);
        return ProposeResult.Accepted;
    }

    private void Send(Message message) => _outbox.Add(message);
}
