namespace Cairn.Raft;

// Single-server membership changes (thesis §4.1), learners, removal of the leader (§4.2.2) and leadership transfer (§3.10).
public sealed partial class RaftNode
{
    // The index of the latest membership entry this leader may not have applied yet.
    private LogIndex _pendingMembershipIndex;
    private int _transferElapsedTicks;

    /// <summary>
    /// Proposes one membership change. Changes go one at a time, and only once the leader has committed an entry
    /// in its own term: the fix for the single-server change bug described by Ongaro on raft-dev (2015). The change
    /// takes effect on every node when its entry is applied.
    /// </summary>
    public ProposeResult ProposeMembershipChange(MembershipChange change, out LogIndex index)
    {
        index = LogIndex.Zero;
        var refusal = CheckCanLead();
        if (refusal != ProposeResult.Accepted)
        {
            return refusal;
        }

        if (_log.Committed < _termStartIndex || _pendingMembershipIndex > _log.Applied)
        {
            return ProposeResult.MembershipChangePending;
        }

        if (change.Context.Length > MembershipChange.MaxContextBytes || Membership.TryApply(change, out _) is null)
        {
            return ProposeResult.InvalidMembershipChange;
        }

        var result = ProposeEntry(EntryKind.MembershipChange, change.Encode(), out index);
        if (result == ProposeResult.Accepted)
        {
            _pendingMembershipIndex = index;
        }

        return result;
    }

    /// <summary>
    /// Hands leadership to <paramref name="target"/> (thesis §3.10): new proposals are refused while the target is
    /// brought up to date, then it is told to campaign at once. Abandoned after an election timeout.
    /// </summary>
    public ProposeResult TransferLeadership(NodeId target)
    {
        if (IsRemoved)
        {
            return ProposeResult.Removed;
        }

        if (Role != RaftRole.Leader)
        {
            return ProposeResult.NotLeader;
        }

        if (target == Id || !Membership.IsVoter(target) || !_progress.TryGetValue(target, out var progress))
        {
            return ProposeResult.InvalidTransferTarget;
        }

        if (TransferTarget == target)
        {
            return ProposeResult.Accepted;
        }

        TransferTarget = target;
        _transferElapsedTicks = 0;
        if (progress.Match == _log.LastIndex)
        {
            SendTimeoutNow(target);
        }

        return ProposeResult.Accepted;
    }

    private void SendTimeoutNow(NodeId to) =>
        Send(new Message { Type = MessageType.TimeoutNow, From = Id, To = to, Term = Term });

    private void ApplyMembershipChange(MembershipChange change)
    {
        // An inapplicable change is a deterministic no-op on every node, so all of them agree on the result.
        var next = Membership.TryApply(change, out _);
        if (next is null)
        {
            return;
        }

        Membership = next;
        if (change.Kind == MembershipChangeKind.RemoveNode && change.Node == Id)
        {
            IsRemoved = true;
        }

        if (Role == RaftRole.Leader)
        {
            AfterLeaderMembershipChange();
        }
    }

    private void AfterLeaderMembershipChange()
    {
        foreach (var member in Membership.All)
        {
            if (member != Id && !_progress.ContainsKey(member))
            {
                _progress[member] = NewProgress();
            }
        }

        foreach (var id in _progress.Keys.Where(id => !Membership.Contains(id)).ToArray())
        {
            _progress.Remove(id);
        }

        if (!TransferTarget.IsNone && !Membership.IsVoter(TransferTarget))
        {
            TransferTarget = NodeId.None;
        }

        if (!Membership.IsVoter(Id))
        {
            // The change that removed us is committed (we are applying it), but the others may not know yet and still
            // count our vote, and our log may be ahead of theirs. So we keep leading without counting ourselves,
            // refuse new work, and hand over as in a leadership transfer: once a successor holds our whole log it is
            // told to campaign, and its vote request (a newer term) makes us step down (thesis §4.2.2, §3.10).
            HandOff();
        }

        MaybeCommit();
    }

    private void HandOff()
    {
        var successor = Membership.Voters.Where(_progress.ContainsKey).OrderByDescending(v => _progress[v].Match).FirstOrDefault();
        TransferTarget = successor;
        _transferElapsedTicks = 0;
        if (!successor.IsNone && _progress[successor].Match == _log.LastIndex)
        {
            SendTimeoutNow(successor);
        }
    }

    private void MaybePromoteCaughtUpLearner()
    {
        if (!_options.AutoPromoteLearners || Role != RaftRole.Leader || _log.Committed < _termStartIndex || _pendingMembershipIndex > _log.Applied)
        {
            return;
        }

        foreach (var learner in Membership.Learners)
        {
            if (_progress.TryGetValue(learner, out var progress) && progress.Match >= _log.Committed)
            {
                ProposeMembershipChange(new MembershipChange(MembershipChangeKind.PromoteLearner, learner, ReadOnlyMemory<byte>.Empty), out _);
                return;
            }
        }
    }
}
