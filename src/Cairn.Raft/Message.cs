namespace Cairn.Raft;

/// <summary>
/// One message between peers. Which fields mean something depends on <see cref="Type"/>; the rest stay default.
/// Immutable once created; the entry payloads are shared with the log and must not be mutated.
/// </summary>
public sealed record Message
{
    /// <summary>The kind of message.</summary>
    public required MessageType Type { get; init; }

    /// <summary>Sender.</summary>
    public required NodeId From { get; init; }

    /// <summary>Recipient.</summary>
    public required NodeId To { get; init; }

    /// <summary>The sender's term (for pre-votes, the term it would campaign in).</summary>
    public Term Term { get; init; }

    /// <summary>
    /// Append: the term of the entry before <see cref="Entries"/>. Votes: the candidate's last log term. Rejected append
    /// response: the follower's term at <see cref="RejectHint"/>.
    /// </summary>
    public Term LogTerm { get; init; }

    /// <summary>
    /// Append: the index before <see cref="Entries"/>. Votes: the candidate's last index. Append response: the last
    /// index now matching the leader's log (or the rejected index).
    /// </summary>
    public LogIndex Index { get; init; }

    /// <summary>Append: the entries, in index order.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>Append and heartbeat: the leader's commit index (capped for heartbeats at what the follower matches).</summary>
    public LogIndex Commit { get; init; }

    /// <summary>Responses: true when the request was refused.</summary>
    public bool Reject { get; init; }

    /// <summary>Rejected append: the highest index the follower might still share with the leader.</summary>
    public LogIndex RejectHint { get; init; }

    /// <summary>InstallSnapshot: the snapshot.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Heartbeat and its response: the read-index round the heartbeat confirms.</summary>
    public ulong Context { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Type switch
    {
        MessageType.Append => $"{From}->{To} {Type} {Term} prev={Index}@{LogTerm} n={Entries.Count} commit={Commit}",
        MessageType.AppendResponse => $"{From}->{To} {Type} {Term} {(Reject ? $"reject {Index} hint={RejectHint}@{LogTerm}" : $"match={Index}")}",
        MessageType.Heartbeat or MessageType.HeartbeatResponse => $"{From}->{To} {Type} {Term} commit={Commit} ctx={Context}",
        MessageType.InstallSnapshot => $"{From}->{To} {Type} {Term} snap={Snapshot?.Metadata.Index}@{Snapshot?.Metadata.Term}",
        MessageType.Vote or MessageType.PreVote => $"{From}->{To} {Type} {Term} last={Index}@{LogTerm}",
        _ => $"{From}->{To} {Type} {Term}{(Reject ? " reject" : "")}",
    };
}
