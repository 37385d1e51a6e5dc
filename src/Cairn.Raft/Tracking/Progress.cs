namespace Cairn.Raft.Tracking;

/// <summary>
/// The leader's view of one follower: what it matches, what to send next, and how. Invariant:
/// <c>Match &lt; Next</c>.
/// </summary>
internal sealed class Progress(LogIndex next, int maxInflightMessages, long maxInflightBytes)
{
    public LogIndex Match { get; private set; }

    public LogIndex Next { get; private set; } = next;

    public ReplicationState State { get; private set; }

    /// <summary>In probe state, an append is out and unanswered; cleared by any response or by a heartbeat tick.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>In snapshot state, the index of the snapshot being sent.</summary>
    public LogIndex PendingSnapshot { get; private set; }

    /// <summary>Heard from this follower since the last check-quorum round.</summary>
    public bool RecentlyActive { get; set; }

    public Inflights Inflights { get; } = new(maxInflightMessages, maxInflightBytes);

    /// <summary>
    /// Leader ticks spent in replicate or snapshot state without the follower's match moving while it lags. Lost
    /// appends or a lost snapshot leave no other trace, so after an election timeout of silence the leader probes again.
    /// </summary>
    public int StalledTicks { get; set; }

    /// <summary>True when nothing more may be sent until a response arrives.</summary>
    public bool IsPaused => State switch
    {
        ReplicationState.Probe => ProbeSent,
        ReplicationState.Replicate => Inflights.IsFull,
        _ => true,
    };

    public void BecomeProbe()
    {
        // After a snapshot, the follower holds at least the snapshot: probe right after it.
        var next = State == ReplicationState.Snapshot ? LogIndex.Max(Match.Next, PendingSnapshot.Next) : Match.Next;
        Reset(ReplicationState.Probe);
        Next = next;
    }

    public void BecomeReplicate()
    {
        Reset(ReplicationState.Replicate);
        Next = Match.Next;
    }

    public void BecomeSnapshot(LogIndex snapshotIndex)
    {
        Reset(ReplicationState.Snapshot);
        PendingSnapshot = snapshotIndex;
    }

    /// <summary>Records that the follower matches up to <paramref name="index"/>; false when that is old news.</summary>
    public bool MaybeUpdate(LogIndex index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
            StalledTicks = 0;
        }

        Next = LogIndex.Max(Next, index.Next);
        return updated;
    }

    /// <summary>Optimistically advances <see cref="Next"/> after pipelining an append that ends at <paramref name="lastIndex"/>.</summary>
    public void SentEntries(LogIndex lastIndex, long bytes)
    {
        if (State == ReplicationState.Replicate)
        {
            Next = lastIndex.Next;
            Inflights.Add(lastIndex, bytes);
        }
        else
        {
            ProbeSent = true;
        }
    }

    /// <summary>
    /// Handles a rejected append for <paramref name="rejected"/>: moves <see cref="Next"/> back to just after
    /// <paramref name="hint"/> (never below Match + 1). False when the rejection is stale.
    /// </summary>
    public bool MaybeDecreaseTo(LogIndex rejected, LogIndex hint)
    {
        if (State == ReplicationState.Replicate)
        {
            // In replicate state, only a rejection of something after Match can be current.
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match.Next;
            return true;
        }

        // In probe state only the rejection of the probe we sent (Next - 1) is current.
        if (Next.Previous != rejected)
        {
            return false;
        }

        Next = LogIndex.Max(LogIndex.Min(rejected, hint.Next), Match.Next);
        ProbeSent = false;
        return true;
    }

    private void Reset(ReplicationState state)
    {
        State = state;
        ProbeSent = false;
        StalledTicks = 0;
        PendingSnapshot = LogIndex.Zero;
        Inflights.Reset();
    }

    public override string ToString() => $"{State} match={Match} next={Next}";
}
