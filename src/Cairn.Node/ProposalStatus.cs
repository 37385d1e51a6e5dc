namespace Cairn.Node;

/// <summary>How a proposal or read ended.</summary>
public enum ProposalStatus
{
    /// <summary>Committed and applied; the state machine's result is attached (for reads: local state is now current).</summary>
    Applied = 0,

    /// <summary>This node does not lead; <see cref="ProposalOutcome.Leader"/> names the leader when known.</summary>
    NotLeader = 1,

    /// <summary>
    /// The entry was overwritten by a new leader before it committed, so it did not take effect; or its outcome is
    /// unknown (<see cref="ProposalOutcome.Reason"/> says which). Retry in the same client session: a command that did
    /// take effect is not applied twice.
    /// </summary>
    Lost = 2,

    /// <summary>A leadership transfer is in progress, or the node is busy (queue or uncommitted-entry limits); retry shortly.</summary>
    Busy = 3,

    /// <summary>The request was refused as invalid (for example a membership change that does not apply).</summary>
    Rejected = 4,

    /// <summary>The node is stopping or was removed from the group.</summary>
    Stopped = 5,
}
