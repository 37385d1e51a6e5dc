namespace Cairn.Raft;

/// <summary>The messages Raft peers exchange.</summary>
public enum MessageType : byte
{
    /// <summary>Would you vote for me in the next term? Changes no state on the receiver (thesis §9.6).</summary>
    PreVote = 1,

    /// <summary>Answer to <see cref="PreVote"/>.</summary>
    PreVoteResponse = 2,

    /// <summary>RequestVote (paper §5.2).</summary>
    Vote = 3,

    /// <summary>Answer to <see cref="Vote"/>.</summary>
    VoteResponse = 4,

    /// <summary>AppendEntries with entries (paper §5.3).</summary>
    Append = 5,

    /// <summary>Answer to <see cref="Append"/>: the matched index, or a rejection with a back-off hint.</summary>
    AppendResponse = 6,

    /// <summary>An empty AppendEntries that carries the commit index and a read-index round.</summary>
    Heartbeat = 7,

    /// <summary>Answer to <see cref="Heartbeat"/>.</summary>
    HeartbeatResponse = 8,

    /// <summary>InstallSnapshot (paper §7).</summary>
    InstallSnapshot = 9,

    /// <summary>Campaign now, skipping pre-vote and leases: the last step of a leadership transfer (thesis §3.10).</summary>
    TimeoutNow = 10,

    /// <summary>A follower asks the leader for a read index on behalf of a local read (thesis §6.4); Context is its request id.</summary>
    ReadIndex = 11,

    /// <summary>The leader's answer once a quorum has confirmed it still leads: Index is the read index, Context the request id.</summary>
    ReadIndexResponse = 12,

    /// <summary>A follower forwards a client's command to the leader: one entry (only its data counts); Context is its request id.</summary>
    Propose = 13,

    /// <summary>
    /// The leader's answer to <see cref="Propose"/>: Index is where it appended the command (in this message's term),
    /// or Reject when it refused; Context is the request id.
    /// </summary>
    ProposeResponse = 14,
}
