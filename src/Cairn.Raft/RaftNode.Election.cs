using Cairn.Raft.Tracking;

namespace Cairn.Raft;

// Roles, elections, pre-vote and check-quorum (paper §5.2, thesis §4.2.3, §6.2, §9.6), and the term rules every
// message goes through.
public sealed partial class RaftNode
{
    /// <summary>Context value marking a vote request that comes from a leadership transfer and may break leases.</summary>
    private const ulong TransferCampaignContext = 1;

    private readonly Dictionary<NodeId, bool> _votes = [];

    /// <summary>
    /// Handles a message from a peer. Messages for another node, or from an older term, are answered or ignored as
    /// the protocol requires; nothing a peer sends can make this method throw except a broken invariant.
    /// </summary>
    public void Step(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.To != Id || message.From == Id)
        {
            return;
        }

        if (message.Term > Term && !AcceptHigherTerm(message))
        {
            return;
        }

        if (message.Term < Term)
        {
            AnswerStaleMessage(message);
            return;
        }

        switch (message.Type)
        {
            case MessageType.PreVote or MessageType.Vote:
                HandleVoteRequest(message);
                break;
            case MessageType.PreVoteResponse when Role == RaftRole.PreCandidate:
            case MessageType.VoteResponse when Role == RaftRole.Candidate:
                HandleVoteResponse(message);
                break;
            case MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot:
                HandleFromLeader(message);
                break;
            case MessageType.AppendResponse or MessageType.HeartbeatResponse when Role == RaftRole.Leader:
                HandleReplicationResponse(message);
                break;
            case MessageType.ReadIndex when Role == RaftRole.Leader && TransferTarget.IsNone && Membership.Contains(message.From):
                QueueReadIndex(message.Context, message.From);
                break;
            case MessageType.ReadIndexResponse when Role == RaftRole.Follower && message.From == Leader:
                _readStates.Add(new ReadState(message.Context, message.Index));
                break;
            case MessageType.Propose when Membership.Contains(message.From):
                HandleForwardedProposal(message);
                break;
            case MessageType.ProposeResponse when Role == RaftRole.Follower && message.From == Leader:
                HandleProposeResponse(message);
                break;
            case MessageType.TimeoutNow when Membership.IsVoter(Id):
                // The leader is handing over (thesis §3.10): campaign at once, skipping pre-vote.
                Campaign(CampaignKind.Transfer);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Applies the rule "a higher term makes us a follower" (paper §5.1), except where leases and pre-votes say
    /// otherwise. Returns false when the message must be ignored.
    /// </summary>
    private bool AcceptHigherTerm(Message message)
    {
        if (message.Type is MessageType.Vote or MessageType.PreVote)
        {
            // Check-quorum lease (thesis §4.2.3): while we hear from a leader, a vote request is from a disruptive
            // node and is ignored, unless a leadership transfer asked for it.
            var inLease = _options.CheckQuorum && !Leader.IsNone && _electionElapsedTicks < _options.ElectionTimeoutTicks;
            var forced = message.Type == MessageType.Vote && message.Context == TransferCampaignContext;
            if (inLease && !forced)
            {
                return false;
            }
        }

        switch (message.Type)
        {
            case MessageType.PreVote:
                // A pre-vote never changes our term: that is the whole point of it.
                return true;
            case MessageType.PreVoteResponse when !message.Reject:
                // A granted pre-vote carries the term we would campaign in, not a newer leader's term.
                return true;
            case MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot:
                BecomeFollower(message.Term, message.From);
                return true;
            default:
                BecomeFollower(message.Term, NodeId.None);
                return true;
        }
    }

    private void AnswerStaleMessage(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append or MessageType.Heartbeat when _options.CheckQuorum || _options.PreVote:
                // A deposed leader that cannot reach a quorum would otherwise never learn the new term, while our
                // pre-vote/lease rules keep us from disrupting it: tell it (etcd's remedy for the same livelock).
                Send(new Message { Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term });
                break;
            case MessageType.PreVote:
                Send(new Message { Type = MessageType.PreVoteResponse, From = Id, To = message.From, Term = Term, Reject = true });
                break;
            default:
                break;
        }
    }

    private void HandleVoteRequest(Message message)
    {
        var isPreVote = message.Type == MessageType.PreVote;
        var responseType = isPreVote ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        var canVote = Vote == message.From
            || (Vote.IsNone && Leader.IsNone)
            || (isPreVote && message.Term > Term);
        if (canVote && _log.IsUpToDate(message.Index, message.LogTerm))
        {
            // The response goes out only after the ready that persists this vote (Ready's contract), so a crash can
            // never make us vote twice in one term.
            Send(new Message { Type = responseType, From = Id, To = message.From, Term = message.Term });
            if (!isPreVote)
            {
                _electionElapsedTicks = 0;
                Vote = message.From;
            }
        }
        else
        {
            Send(new Message { Type = responseType, From = Id, To = message.From, Term = Term, Reject = true });
        }
    }

    private void HandleVoteResponse(Message message)
    {
        if (!Membership.IsVoter(message.From))
        {
            return;
        }

        _votes.TryAdd(message.From, !message.Reject);
        TallyVotes();
    }

    /// <summary>Counts the votes of voters only (a removed candidate's own vote does not count) and acts on the outcome.</summary>
    private void TallyVotes()
    {
        var granted = _votes.Count(v => v.Value && Membership.IsVoter(v.Key));
        var rejected = _votes.Count(v => !v.Value && Membership.IsVoter(v.Key));
        if (granted >= Membership.QuorumSize)
        {
            if (Role == RaftRole.PreCandidate)
            {
                Campaign(CampaignKind.Election);
            }
            else
            {
                BecomeLeader();
            }
        }
        else if (rejected >= Membership.QuorumSize)
        {
            BecomeFollower(Term, NodeId.None);
        }
    }

    private void TickElection()
    {
        _electionElapsedTicks++;
        if (IsPromotable && _electionElapsedTicks >= _randomizedElectionTimeoutTicks)
        {
            _electionElapsedTicks = 0;
            Campaign(_options.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
        }
    }

    private void Campaign(CampaignKind kind)
    {
        if (!IsPromotable)
        {
            return;
        }

        Term voteTerm;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            voteTerm = Term.Next;
        }
        else
        {
            BecomeCandidate();
            voteTerm = Term;
        }

        _votes[Id] = true;
        var type = kind == CampaignKind.PreElection ? MessageType.PreVote : MessageType.Vote;
        var context = kind == CampaignKind.Transfer ? TransferCampaignContext : 0;
        foreach (var voter in Membership.Voters)
        {
            if (voter != Id)
            {
                Send(new Message
                {
                    Type = type,
                    From = Id,
                    To = voter,
                    Term = voteTerm,
                    Index = _log.LastIndex,
                    LogTerm = _log.LastTerm,
                    Context = context,
                });
            }
        }

        // A single voter wins on its own vote.
        TallyVotes();
    }

    private void BecomeFollower(Term term, NodeId leader)
    {
        ResetTerm(term);
        Role = RaftRole.Follower;
        Leader = leader;
    }

    private void BecomePreCandidate()
    {
        RaftAssert.That(Role != RaftRole.Leader, "a leader cannot become a pre-candidate");
        // Term and vote stay as they are; only the role changes.
        _votes.Clear();
        Role = RaftRole.PreCandidate;
        Leader = NodeId.None;
    }

    private void BecomeCandidate()
    {
        RaftAssert.That(Role != RaftRole.Leader, "a leader cannot become a candidate");
        ResetTerm(Term.Next);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        RaftAssert.That(Role == RaftRole.Candidate, "only a candidate becomes leader");
        ResetTerm(Term);
        Role = RaftRole.Leader;
        Leader = Id;
        ResetProgress();

        // Conflicting membership entries from earlier terms may still be in the log: no new change until they apply.
        _pendingMembershipIndex = _log.LastIndex;

        // A no-op in the new term (paper §5.4.2, §8): committing it commits everything before it, and it gates
        // read-index and membership changes, which are only safe once this term has committed an entry.
        _termStartIndex = AppendAsLeader(EntryKind.Command, ReadOnlyMemory<byte>.Empty);
        if (IsRemoved)
        {
            HandOff();
        }
    }

    private void ResetTerm(Term term)
    {
        RaftAssert.That(term >= Term, $"term would go back from {Term} to {term}");
        if (term != Term)
        {
            Term = term;
            Vote = NodeId.None;
        }

        Leader = NodeId.None;
        _electionElapsedTicks = 0;
        _heartbeatElapsedTicks = 0;
        _randomizedElectionTimeoutTicks = _options.ElectionTimeoutTicks + _random.Next(_options.ElectionTimeoutTicks);
        _votes.Clear();
        _progress.Clear();
        TransferTarget = NodeId.None;
        ResetReadIndex();
    }

    private void ResetProgress()
    {
        foreach (var member in Membership.All)
        {
            if (member != Id)
            {
                _progress[member] = NewProgress();
            }
        }
    }

    private Progress NewProgress() =>
        new(_log.LastIndex.Next, _options.MaxInflightMessages, _options.MaxAppendBytes * _options.MaxInflightMessages);

    private void TickLeader()
    {
        _heartbeatElapsedTicks++;
        _electionElapsedTicks++;
        if (!TransferTarget.IsNone && ++_transferElapsedTicks >= _options.ElectionTimeoutTicks)
        {
            // A transfer that has not finished within an election timeout is abandoned (thesis §3.10), unless we
            // were removed: then we keep handing over, to whichever voter is now furthest ahead.
            TransferTarget = NodeId.None;
            if (IsRemoved)
            {
                HandOff();
            }
        }

        if (_electionElapsedTicks >= _options.ElectionTimeoutTicks)
        {
            _electionElapsedTicks = 0;
            if (_options.CheckQuorum && !QuorumRecentlyActive())
            {
                // Check-quorum (thesis §6.2): a leader cut off from a quorum steps down instead of serving stale reads.
                BecomeFollower(Term, NodeId.None);
                return;
            }
        }

        TickReplication();
        if (_heartbeatElapsedTicks >= _options.HeartbeatIntervalTicks)
        {
            _heartbeatElapsedTicks = 0;
            BroadcastHeartbeat();
        }

        MaybePromoteCaughtUpLearner();
    }

    private bool QuorumRecentlyActive()
    {
        var active = Membership.IsVoter(Id) ? 1 : 0;
        foreach (var (id, progress) in _progress)
        {
            if (progress.RecentlyActive && Membership.IsVoter(id))
            {
                active++;
            }

            progress.RecentlyActive = false;
        }

        return active >= Membership.QuorumSize;
    }

    private enum CampaignKind
    {
        PreElection,
        Election,
        Transfer,
    }
}
