using Cairn.Raft;

namespace Cairn.Node;

/// <summary>
/// The deterministic heart of a node: the Raft core, its storage and the state machine, with the waiting requests.
/// Synchronous and single-threaded — <see cref="NodeHost"/> calls it from its event loop with real time and a real
/// network, and a simulator can call it with simulated ones. After each batch of inputs, <see cref="Flush"/> handles
/// every ready in the order safety requires: persist (one sync) → send → apply → complete waiters → advance (a
/// leader sends first when its ready allows it, see <see cref="Ready.MaySendBeforePersist"/>).
/// </summary>
/// <remarks>Not thread-safe. Callbacks run on the calling thread; they must not call back into the loop.</remarks>
public sealed class NodeLoop
{
    private readonly NodeOptions _options;
    private readonly IRaftStorage _storage;
    private readonly IStateMachine _machine;
    private readonly Action<Message> _send;
    private readonly Action<Func<Action>> _runOffLoop;
    private readonly RaftNode _core;
    private readonly Dictionary<LogIndex, (Term Term, Action<ProposalOutcome> Complete)> _proposals = [];
    private readonly Dictionary<ulong, (SoftState SentUnder, Action<ProposalOutcome> Complete)> _forwarded = [];
    private readonly Dictionary<ulong, Action<ProposalOutcome>> _reads = [];
    private readonly List<(LogIndex Index, Action<ProposalOutcome> Complete)> _readsWaitingForApply = [];

    // Ids of reads and forwarded proposals the leader answers. They start at a random point so that an answer meant
    // for an earlier incarnation of this node (still queued towards it when it restarted) matches nothing.
    private ulong _nextRequestId;
    private bool _snapshotting;

    /// <summary>Creates the loop over <paramref name="storage"/>, restoring the state machine from its snapshot.</summary>
    /// <param name="options">Runtime and Raft settings.</param>
    /// <param name="storage">The durable log.</param>
    /// <param name="machine">The replicated state machine.</param>
    /// <param name="random">The election-timeout randomness.</param>
    /// <param name="send">Sends a message to a peer.</param>
    /// <param name="runOffLoop">
    /// Runs slow, self-contained work (serializing and staging a snapshot) away from the loop: it calls the work, then
    /// the action the work returns back on the loop, among the loop's other inputs; an exception from the work must be
    /// rethrown on the loop. Null runs both at once on the calling thread (the simulator's choice).
    /// </param>
    public NodeLoop(
        NodeOptions options, IRaftStorage storage, IStateMachine machine, IRandomSource random, Action<Message> send,
        Action<Func<Action>>? runOffLoop = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(send);
        options.Validate();
        _options = options;
        _storage = storage;
        _machine = machine;
        _send = send;
        _runOffLoop = runOffLoop ?? (static work => work()());
        _machine.Restore(storage.Snapshot.Data);
        _nextRequestId = ((ulong)(uint)random.Next(int.MaxValue) << 32) | (uint)random.Next(int.MaxValue);
        _core = new RaftNode(options.Raft, storage, random);
    }

    /// <summary>Raised on the loop after a membership change is applied (hosts connect to or forget the peer).</summary>
    public event Action<MembershipChange>? MembershipApplied;

    /// <summary>Raised on the loop when the leader, role or term changes.</summary>
    public event Action<SoftState>? LeadershipChanged;

    /// <summary>The core, for read-only inspection by the host.</summary>
    public RaftNode Core => _core;

    /// <summary>One tick of logical time.</summary>
    public void Tick() => _core.Tick();

    /// <summary>A message from a peer.</summary>
    public void Receive(Message message) => _core.Step(message);

    /// <summary>
    /// Proposes a command; <paramref name="complete"/> runs once it is applied, lost or refused. A follower forwards it
    /// to the leader inside Raft and completes it when it applies the entry the leader made of it.
    /// </summary>
    public void Propose(ReadOnlyMemory<byte> command, Action<ProposalOutcome> complete)
    {
        ArgumentNullException.ThrowIfNull(complete);
        var id = ++_nextRequestId;
        var result = _core.Propose(command, id, out var index);
        if (result == ProposeResult.Forwarded)
        {
            _forwarded[id] = (_core.SoftState, complete);
        }
        else
        {
            Track(result, index, complete);
        }
    }

    /// <summary>
    /// Proposes a command only if this node leads (<see cref="ProposalStatus.NotLeader"/> otherwise): for commands
    /// built from this node's own state, such as a leader's clock, that mean nothing coming from another node.
    /// </summary>
    public void ProposeAsLeader(ReadOnlyMemory<byte> command, Action<ProposalOutcome> complete)
    {
        ArgumentNullException.ThrowIfNull(complete);
        var result = _core.Propose(command, out var index);
        Track(result, index, complete);
    }

    /// <summary>Proposes a membership change; <paramref name="complete"/> runs once it is applied, lost or refused.</summary>
    public void ChangeMembership(MembershipChange change, Action<ProposalOutcome> complete)
    {
        ArgumentNullException.ThrowIfNull(complete);
        var result = _core.ProposeMembershipChange(change, out var index);
        Track(result, index, complete);
    }

    /// <summary>
    /// A linearizable read barrier (thesis §6.4): <paramref name="complete"/> runs with <see cref="ProposalStatus.Applied"/>
    /// once leadership is confirmed and the state machine has applied the read index, so local state may be read.
    /// </summary>
    public void ReadIndex(Action<ProposalOutcome> complete)
    {
        ArgumentNullException.ThrowIfNull(complete);
        var id = ++_nextRequestId;
        var result = _core.ReadIndex(id);
        if (result == ProposeResult.Accepted)
        {
            _reads[id] = complete;
        }
        else
        {
            complete(ProposalOutcome.From(result, _core.Leader));
        }
    }

    /// <summary>Starts a leadership transfer.</summary>
    public ProposeResult TransferLeadership(NodeId target) => _core.TransferLeadership(target);

    /// <summary>The node's status now.</summary>
    public NodeStatus Status() => new(
        _core.Id, _core.Role, _core.Term, _core.Leader, _core.Commit, _core.Applied, _core.LastIndex, _core.Membership, _core.PeerStatuses());

    /// <summary>Handles every ready the core has. Returns how many it handled.</summary>
    public int Flush()
    {
        var handled = 0;
        while (_core.HasReady)
        {
            Handle(_core.GetReady());
            handled++;
        }

        return handled;
    }

    /// <summary>Fails every waiting request with <paramref name="status"/> (the node is stopping).</summary>
    public void FailAll(ProposalStatus status)
    {
        var outcome = new ProposalOutcome(status, _core.Leader, LogIndex.Zero, null, "the node is stopping");
        foreach (var waiter in _proposals.Values)
        {
            waiter.Complete(outcome);
        }

        foreach (var waiter in _forwarded.Values.Select(f => f.Complete).Concat(_reads.Values))
        {
            waiter(outcome);
        }

        foreach (var waiter in _readsWaitingForApply)
        {
            waiter.Complete(outcome);
        }

        _proposals.Clear();
        _forwarded.Clear();
        _reads.Clear();
        _readsWaitingForApply.Clear();
    }

    private void Track(ProposeResult result, LogIndex index, Action<ProposalOutcome> complete)
    {
        if (result == ProposeResult.Accepted)
        {
            WaitForEntry(index, _core.Term, complete);
        }
        else
        {
            complete(ProposalOutcome.From(result, _core.Leader));
        }
    }

    private void WaitForEntry(LogIndex index, Term term, Action<ProposalOutcome> complete)
    {
        // A proposal this node made at the same index as an earlier leader is of an older term: a newer term's
        // proposal there means the older one was overwritten.
        if (_proposals.Remove(index, out var older))
        {
            older.Complete(new ProposalOutcome(ProposalStatus.Lost, _core.Leader, index, null, "overwritten by a new leader"));
        }

        _proposals[index] = (term, complete);
    }

    private void TrackForwarded(IReadOnlyList<ForwardedProposal> placements)
    {
        foreach (var placement in placements)
        {
            if (!_forwarded.Remove(placement.RequestId, out var forwarded))
            {
                continue;
            }

            var complete = forwarded.Complete;
            if (!placement.Accepted)
            {
                complete(new ProposalOutcome(ProposalStatus.Busy, _core.Leader, LogIndex.Zero, null, "the leader refused the forwarded proposal"));
            }
            else if (placement.Index <= _core.Applied)
            {
                // Only a reordering network brings the answer after the entry itself: which entry that was is gone.
                complete(new ProposalOutcome(ProposalStatus.Lost, _core.Leader, placement.Index, null, "applied before the leader's answer arrived; outcome unknown"));
            }
            else
            {
                WaitForEntry(placement.Index, placement.Term, complete);
            }
        }
    }

    private void Handle(Ready ready)
    {
        // A leader's appends leave before its own sync, so followers write while it writes (thesis §10.2.1).
        if (ready.MaySendBeforePersist)
        {
            Send(ready.Messages);
            Persist(ready);
        }
        else
        {
            Persist(ready);
            Send(ready.Messages);
        }

        TrackForwarded(ready.ForwardedProposals);
        if (ready.Snapshot is { } snapshot)
        {
            _machine.Restore(snapshot.Data);
            FailProposalsUpTo(snapshot.Metadata.Index);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            var result = _machine.Apply(entry);
            CompleteProposal(entry, result);
            if (entry.Kind == EntryKind.MembershipChange)
            {
                MembershipApplied?.Invoke(MembershipChange.Decode(entry.Data));
            }
        }

        foreach (var read in ready.ReadStates)
        {
            if (_reads.Remove(read.RequestId, out var complete))
            {
                _readsWaitingForApply.Add((read.Index, complete));
            }
        }

        _core.Advance(ready);
        CompleteReads();
        if (ready.SoftState is { } soft)
        {
            OnLeadershipChanged(soft);
        }

        MaybeSnapshot();
    }

    private void Persist(Ready ready)
    {
        if (ready.MustPersist)
        {
            _storage.Persist(ready.HardState, ready.Entries, ready.Snapshot);
        }
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            _send(message);
        }
    }

    private void CompleteProposal(Entry entry, object? result)
    {
        if (!_proposals.Remove(entry.Index, out var waiter))
        {
            return;
        }

        // Another term's entry at our index means a new leader overwrote our proposal before it committed.
        waiter.Complete(waiter.Term == entry.Term
            ? new ProposalOutcome(ProposalStatus.Applied, _core.Leader, entry.Index, result)
            : new ProposalOutcome(ProposalStatus.Lost, _core.Leader, entry.Index, null, "overwritten by a new leader"));
    }

    private void FailProposalsUpTo(LogIndex index)
    {
        // A snapshot replaced the log: we cannot tell which of our proposals made it, so the callers must check.
        foreach (var (proposalIndex, waiter) in _proposals.Where(p => p.Key <= index).ToList())
        {
            _proposals.Remove(proposalIndex);
            waiter.Complete(new ProposalOutcome(ProposalStatus.Lost, _core.Leader, proposalIndex, null, "replaced by a snapshot; outcome unknown"));
        }
    }

    private void CompleteReads()
    {
        var applied = _core.Applied;
        _readsWaitingForApply.RemoveAll(read =>
        {
            if (read.Index > applied)
            {
                return false;
            }

            read.Complete(new ProposalOutcome(ProposalStatus.Applied, _core.Leader, read.Index, null));
            return true;
        });
    }

    private void OnLeadershipChanged(SoftState soft)
    {
        // Answers from a leader this node no longer follows are ignored, so they will not arrive; but that leader may
        // have appended the command and a later one may commit it: the caller must check, or retry in its session.
        foreach (var (id, forwarded) in _forwarded.Where(f => f.Value.SentUnder != soft).ToList())
        {
            _forwarded.Remove(id);
            forwarded.Complete(new ProposalOutcome(ProposalStatus.Lost, soft.Leader, LogIndex.Zero, null, "forwarded to a leader that changed before it answered; outcome unknown"));
        }

        if (soft.Role != RaftRole.Leader && _reads.Count > 0)
        {
            // The core drops reads it has not confirmed when it stops leading: tell their callers now.
            var outcome = new ProposalOutcome(ProposalStatus.NotLeader, soft.Leader, LogIndex.Zero, null, "leadership lost");
            foreach (var waiter in _reads.Values)
            {
                waiter(outcome);
            }

            _reads.Clear();
        }

        LeadershipChanged?.Invoke(soft);
    }

    /// <summary>
    /// Every <see cref="NodeOptions.SnapshotEveryEntries"/> applied entries, snapshots the state machine and compacts
    /// the log. Only the freeze runs on the loop; serializing and writing the file (hundreds of milliseconds for a
    /// large state, which would outlast an election timeout) run off it, and the loop then records the snapshot with
    /// one small WAL write. One snapshot at a time.
    /// </summary>
    private void MaybeSnapshot()
    {
        var applied = _core.Applied;
        if (_snapshotting || applied.CountFrom(_storage.Snapshot.Metadata.Index) < (ulong)_options.SnapshotEveryEntries
            || !_storage.TryGetTerm(applied, out var term))
        {
            return;
        }

        var metadata = new SnapshotMetadata(applied, term, _core.Membership);
        var serialize = _machine.CaptureSnapshot();
        _snapshotting = true;
        _runOffLoop(() =>
        {
            var data = serialize();
            _storage.StageSnapshot(metadata, data);
            return () => SaveStagedSnapshot(metadata, data);
        });
    }

    private void SaveStagedSnapshot(SnapshotMetadata metadata, byte[] data)
    {
        _snapshotting = false;

        // A snapshot installed from the leader while this one was being written already covers it.
        if (metadata.Index > _storage.Snapshot.Metadata.Index)
        {
            _storage.SaveSnapshot(metadata.Index, metadata.Membership, data);
        }
    }
}
