namespace Cairn.Raft;

// Linearizable reads without log writes (thesis §6.4): record the commit index, confirm leadership with one quorum
// heartbeat round, then let the host read once it has applied up to the recorded index. A follower's read takes the
// same path on the leader, which then sends the index back instead of reporting it locally.
public sealed partial class RaftNode
{
    private readonly List<PendingRead> _pendingReads = [];
    private readonly List<(ulong RequestId, NodeId Requester)> _readsWaitingForTermStart = [];
    private readonly Dictionary<NodeId, ulong> _acknowledgedReadRound = [];

    // The index of this leader's no-op: until it commits, the leader's commit index may lag the true one.
    private LogIndex _termStartIndex;

    // The latest heartbeat round broadcast; heartbeats carry it and followers echo it back.
    private ulong _readRound;
    private bool _readRoundNeeded;

    /// <summary>Queues a read for <paramref name="requester"/> (this node, or the follower that asked).</summary>
    private void QueueReadIndex(ulong requestId, NodeId requester)
    {
        if (_log.Committed < _termStartIndex)
        {
            // Step 1 of §6.4: the leader must have committed an entry of its own term to know the commit index.
            _readsWaitingForTermStart.Add((requestId, requester));
            return;
        }

        if (Membership.QuorumSize == 1 && Membership.IsVoter(Id))
        {
            Release(new PendingRead(requestId, requester, _log.Committed, _readRound));
            return;
        }

        // Reads that arrive before the next flush share one heartbeat round.
        _pendingReads.Add(new PendingRead(requestId, requester, _log.Committed, _readRound + 1));
        _readRoundNeeded = true;
    }

    private void Release(PendingRead read)
    {
        if (read.Requester == Id)
        {
            _readStates.Add(new ReadState(read.RequestId, read.Index));
        }
        else
        {
            Send(new Message { Type = MessageType.ReadIndexResponse, From = Id, To = read.Requester, Term = Term, Index = read.Index, Context = read.RequestId });
        }
    }

    private void StartReadRoundIfNeeded()
    {
        if (_readRoundNeeded)
        {
            _readRoundNeeded = false;
            _readRound++;
            BroadcastHeartbeat();
        }
    }

    private void AcknowledgeReadRound(NodeId from, ulong round)
    {
        if (!Membership.IsVoter(from) || _pendingReads.Count == 0)
        {
            return;
        }

        _acknowledgedReadRound[from] = Math.Max(round, _acknowledgedReadRound.GetValueOrDefault(from));
        var voters = Membership.Voters;
        Span<ulong> rounds = stackalloc ulong[voters.Count];
        for (var i = 0; i < voters.Count; i++)
        {
            rounds[i] = voters[i] == Id ? ulong.MaxValue : _acknowledgedReadRound.GetValueOrDefault(voters[i]);
        }

        rounds.Sort();
        var confirmed = rounds[voters.Count - Membership.QuorumSize];
        var released = 0;
        while (released < _pendingReads.Count && _pendingReads[released].Round <= confirmed)
        {
            Release(_pendingReads[released]);
            released++;
        }

        _pendingReads.RemoveRange(0, released);
    }

    private void ReleaseReadsWaitingForTermStart()
    {
        if (Role != RaftRole.Leader || _log.Committed < _termStartIndex || _readsWaitingForTermStart.Count == 0)
        {
            return;
        }

        var waiting = _readsWaitingForTermStart.ToArray();
        _readsWaitingForTermStart.Clear();
        foreach (var (requestId, requester) in waiting)
        {
            QueueReadIndex(requestId, requester);
        }
    }

    private void ResetReadIndex()
    {
        _pendingReads.Clear();
        _readsWaitingForTermStart.Clear();
        _acknowledgedReadRound.Clear();
        _readRound = 0;
        _readRoundNeeded = false;
        _termStartIndex = LogIndex.Zero;
    }

    private readonly record struct PendingRead(ulong RequestId, NodeId Requester, LogIndex Index, ulong Round);
}
