using Cairn.Raft.Tracking;

namespace Cairn.Raft;

// Log replication and the commit rule (paper §5.3, §5.4.2), flow control, fast back-off and snapshots (§7).
public sealed partial class RaftNode
{
    // Set when the commit index moved, so followers learn it with the next flush even if they have no new entries.
    private bool _commitChanged;

    private LogIndex AppendAsLeader(EntryKind kind, ReadOnlyMemory<byte> data)
    {
        var index = _log.LastIndex.Next;
        _log.AppendOne(new Entry(index, Term, kind, data));
        MaybeCommit();
        return index;
    }

    /// <summary>
    /// Advances the commit index to the highest index a quorum of voters holds, but only if that entry is from the
    /// current term: entries from earlier terms are committed indirectly (paper §5.4.2 and Figure 8).
    /// </summary>
    private void MaybeCommit()
    {
        var voters = Membership.Voters;
        if (voters.Count == 0)
        {
            return;
        }

        Span<ulong> matches = stackalloc ulong[voters.Count];
        for (var i = 0; i < voters.Count; i++)
        {
            matches[i] = voters[i] == Id ? _log.LastIndex.Value : _progress.TryGetValue(voters[i], out var p) ? p.Match.Value : 0;
        }

        matches.Sort();
        var quorumMatch = new LogIndex(matches[voters.Count - Membership.QuorumSize]);
        if (quorumMatch > _log.Committed && _log.TermAt(quorumMatch) == Term)
        {
            _log.CommitTo(quorumMatch);
            _commitChanged = true;
            ReleaseReadsWaitingForTermStart();
        }
    }

    private bool HasAppendsToFlush()
    {
        if (Role != RaftRole.Leader)
        {
            return false;
        }

        if (_commitChanged || _readRoundNeeded)
        {
            return true;
        }

        foreach (var progress in _progress.Values)
        {
            if (NeedsAppend(progress))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Sends every follower what it lacks, as far as flow control allows. Called once per ready, so the proposals
    /// that arrived since the last ready travel together in one append per follower: that is the batching.
    /// </summary>
    private void FlushAppends()
    {
        if (Role != RaftRole.Leader)
        {
            return;
        }

        StartReadRoundIfNeeded();
        foreach (var member in Membership.All)
        {
            if (member == Id || !_progress.TryGetValue(member, out var progress))
            {
                continue;
            }

            var sent = false;
            while (NeedsAppend(progress))
            {
                SendAppend(member, progress);
                sent = true;
            }

            if (_commitChanged && !sent && !progress.IsPaused)
            {
                SendAppend(member, progress);
            }
        }

        _commitChanged = false;
    }

    /// <summary>
    /// True when the follower lacks entries and flow control lets us send: new entries to pipeline, or — in probe
    /// state — a probe to find where its log ends, even when the leader has nothing new.
    /// </summary>
    private bool NeedsAppend(Progress progress) =>
        !progress.IsPaused &&
        (progress.Next <= _log.LastIndex || (progress.State == ReplicationState.Probe && progress.Match < _log.LastIndex));

    private void SendAppend(NodeId to, Progress progress)
    {
        var previous = progress.Next.Previous;
        if (progress.Next < _log.FirstIndex || !_log.TryGetTerm(previous, out var previousTerm))
        {
            SendSnapshot(to, progress);
            return;
        }

        var entries = progress.Next <= _log.LastIndex
            ? _log.Slice(progress.Next, _log.LastIndex.Next, _options.MaxAppendBytes)
            : [];
        Send(new Message
        {
            Type = MessageType.Append,
            From = Id,
            To = to,
            Term = Term,
            Index = previous,
            LogTerm = previousTerm,
            Entries = entries,
            Commit = _log.Committed,
        });
        if (entries.Length > 0)
        {
            long bytes = 0;
            foreach (var entry in entries)
            {
                bytes += entry.SizeBytes;
            }

            progress.SentEntries(entries[^1].Index, bytes);
        }
        else
        {
            progress.ProbeSent |= progress.State == ReplicationState.Probe;
        }
    }

    private void SendSnapshot(NodeId to, Progress progress)
    {
        var snapshot = _log.StorageSnapshot;
        RaftAssert.That(!snapshot.IsEmpty, "the log is compacted but storage has no snapshot");
        Send(new Message { Type = MessageType.InstallSnapshot, From = Id, To = to, Term = Term, Snapshot = snapshot });
        progress.BecomeSnapshot(snapshot.Metadata.Index);
    }

    private void BroadcastHeartbeat()
    {
        foreach (var member in Membership.All)
        {
            if (member != Id && _progress.TryGetValue(member, out var progress))
            {
                Send(new Message
                {
                    Type = MessageType.Heartbeat,
                    From = Id,
                    To = member,
                    Term = Term,
                    Commit = LogIndex.Min(_log.Committed, progress.Match),
                    Context = _readRound,
                });
            }
        }
    }

    private void TickReplication()
    {
        foreach (var progress in _progress.Values)
        {
            if (progress.State == ReplicationState.Probe || progress.Match >= _log.LastIndex)
            {
                progress.StalledTicks = 0;
            }
            else if (++progress.StalledTicks >= _options.ElectionTimeoutTicks)
            {
                progress.BecomeProbe();
            }
        }
    }

    private void HandleFromLeader(Message message)
    {
        RaftAssert.That(Role != RaftRole.Leader, $"two leaders in {Term}: {Id} and {message.From}");
        if (Role != RaftRole.Follower)
        {
            BecomeFollower(Term, message.From);
        }

        Leader = message.From;
        _electionElapsedTicks = 0;
        switch (message.Type)
        {
            case MessageType.Append:
                HandleAppend(message);
                break;
            case MessageType.Heartbeat:
                _log.CommitTo(message.Commit);
                Send(new Message { Type = MessageType.HeartbeatResponse, From = Id, To = message.From, Term = Term, Context = message.Context });
                break;
            default:
                HandleSnapshot(message);
                break;
        }
    }

    private void HandleAppend(Message message)
    {
        if (message.Index < _log.Committed)
        {
            RespondAppend(message.From, _log.Committed);
            return;
        }

        if (_log.TryAppend(message.Index, message.LogTerm, message.Commit, message.Entries) is { } lastNew)
        {
            RespondAppend(message.From, lastNew);
            return;
        }

        // Fast back-off: point the leader at the last index where our terms could still agree.
        var hint = _log.FindConflictByTerm(message.Index, message.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse,
            From = Id,
            To = message.From,
            Term = Term,
            Index = message.Index,
            Reject = true,
            RejectHint = hint,
            LogTerm = _log.TermAt(hint),
        });
    }

    private void HandleSnapshot(Message message)
    {
        var snapshot = message.Snapshot;
        if (snapshot is null)
        {
            return;
        }

        var index = snapshot.Metadata.Index;
        if (index <= _log.Committed)
        {
            RespondAppend(message.From, _log.Committed);
            return;
        }

        if (_log.MatchTerm(index, snapshot.Metadata.Term))
        {
            // We already hold the snapshot's last entry, hence (log matching) everything before it.
            _log.CommitTo(index);
        }
        else
        {
            _log.Restore(snapshot);
            Membership = snapshot.Metadata.Membership;
        }

        RespondAppend(message.From, index);
    }

    private void RespondAppend(NodeId to, LogIndex match) =>
        Send(new Message { Type = MessageType.AppendResponse, From = Id, To = to, Term = Term, Index = match });

    private void HandleReplicationResponse(Message message)
    {
        if (!_progress.TryGetValue(message.From, out var progress))
        {
            return;
        }

        progress.RecentlyActive = true;
        if (message.Type == MessageType.HeartbeatResponse)
        {
            // A live follower: retry a probe that may have been lost, and count its read-index acknowledgement.
            progress.ProbeSent = false;
            AcknowledgeReadRound(message.From, message.Context);
            return;
        }

        if (message.Reject)
        {
            var probeFrom = message.LogTerm > Term.Zero ? _log.FindConflictByTerm(message.RejectHint, message.LogTerm) : message.RejectHint;
            if (progress.MaybeDecreaseTo(message.Index, probeFrom) && progress.State == ReplicationState.Replicate)
            {
                progress.BecomeProbe();
            }

            return;
        }

        if (!progress.MaybeUpdate(message.Index))
        {
            progress.Inflights.FreeUpTo(message.Index);
            return;
        }

        switch (progress.State)
        {
            case ReplicationState.Probe:
                progress.BecomeReplicate();
                break;
            case ReplicationState.Snapshot when progress.Match >= progress.PendingSnapshot:
                progress.BecomeProbe();
                progress.BecomeReplicate();
                break;
            case ReplicationState.Replicate:
                progress.Inflights.FreeUpTo(message.Index);
                break;
            default:
                break;
        }

        MaybeCommit();
        if (message.From == TransferTarget && progress.Match == _log.LastIndex)
        {
            SendTimeoutNow(message.From);
        }
    }
}
