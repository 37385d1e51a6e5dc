namespace Cairn.Raft;

/// <summary>The outcome of a proposal, membership change, read-index or transfer request.</summary>
public enum ProposeResult : byte
{
    /// <summary>Accepted; the outcome follows through <see cref="Ready"/>.</summary>
    Accepted = 0,

    /// <summary>This node is not the leader; see <see cref="RaftNode.Leader"/> for the leader if known.</summary>
    NotLeader = 1,

    /// <summary>A leadership transfer is in progress; retry on the new leader.</summary>
    TransferInProgress = 2,

    /// <summary>This node was removed from the group.</summary>
    Removed = 3,

    /// <summary>Another membership change is not yet applied, or the leader has not committed an entry in its term yet.</summary>
    MembershipChangePending = 4,

    /// <summary>The membership change does not apply to the current membership (for example removing a stranger).</summary>
    InvalidMembershipChange = 5,

    /// <summary>Too many uncommitted entries; the cluster is not keeping up.</summary>
    Dropped = 6,

    /// <summary>The transfer target is not a voter, or is this node.</summary>
    InvalidTransferTarget = 7,

    /// <summary>Forwarded to the leader; where it lands follows as a <see cref="ForwardedProposal"/> in a <see cref="Ready"/>.</summary>
    Forwarded = 8,
}
