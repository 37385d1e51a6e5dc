namespace Cairn.Raft;

/// <summary>Configuration of one <see cref="RaftNode"/>. Validated by the node's constructor.</summary>
public sealed record RaftOptions
{
    /// <summary>This node's id; must not be <see cref="NodeId.None"/>.</summary>
    public required NodeId Id { get; init; }

    /// <summary>
    /// Ticks without hearing from a leader before a follower campaigns. The actual timeout is drawn uniformly from
    /// [ElectionTimeoutTicks, 2 × ElectionTimeoutTicks) each time it is reset (paper §5.2). At least 3 × heartbeat.
    /// </summary>
    public int ElectionTimeoutTicks { get; init; } = 10;

    /// <summary>Ticks between a leader's heartbeats. At least 1.</summary>
    public int HeartbeatIntervalTicks { get; init; } = 1;

    /// <summary>Run a pre-vote round before a real election, so a partitioned node cannot raise terms (thesis §9.6).</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>
    /// A leader steps down when it has not heard from a quorum for an election timeout, and followers that heard
    /// from a leader within the timeout ignore vote requests (thesis §6.2, §4.2.3).
    /// </summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Append messages sent to one follower that may be unacknowledged at once (pipelining depth).</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Upper bound of the entry bytes in one append message (one entry is always allowed).</summary>
    public long MaxAppendBytes { get; init; } = 1 << 20;

    /// <summary>Upper bound of the committed-entry bytes handed out in one <see cref="Ready"/>.</summary>
    public long MaxApplyBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Entries the leader keeps proposed but not yet committed; more proposals are refused with
    /// <see cref="ProposeResult.Dropped"/> so a stalled cluster cannot buffer without limit.
    /// </summary>
    public int MaxUncommittedEntries { get; init; } = 100_000;

    /// <summary>
    /// When true, the leader promotes a learner to voter once its log has caught up with the commit index
    /// (one membership change at a time, through the log).
    /// </summary>
    public bool AutoPromoteLearners { get; init; }

    internal void Validate()
    {
        if (Id.IsNone)
        {
            throw new ArgumentException("Id must not be NodeId.None", nameof(Id));
        }

        if (HeartbeatIntervalTicks < 1)
        {
            throw new ArgumentException("HeartbeatIntervalTicks must be at least 1", nameof(HeartbeatIntervalTicks));
        }

        if (ElectionTimeoutTicks < 3 * HeartbeatIntervalTicks)
        {
            throw new ArgumentException("ElectionTimeoutTicks must be at least 3 × HeartbeatIntervalTicks", nameof(ElectionTimeoutTicks));
        }

        if (MaxInflightMessages < 1 || MaxAppendBytes < 1 || MaxApplyBytes < 1 || MaxUncommittedEntries < 1)
        {
            throw new ArgumentException("flow-control limits must be positive");
        }
    }
}
