using Cairn.Raft;

namespace Cairn.Node;

/// <summary>The end of a proposal or read.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Leader">The leader known to this node, when it is not this node.</param>
/// <param name="Index">The log index of the applied entry (or the read index).</param>
/// <param name="Result">The state machine's result for an applied proposal.</param>
/// <param name="Reason">A short reason for refusals.</param>
public sealed record ProposalOutcome(ProposalStatus Status, NodeId Leader, LogIndex Index, object? Result, string? Reason = null)
{
    internal static ProposalOutcome From(ProposeResult result, NodeId leader) => result switch
    {
        ProposeResult.NotLeader => new(ProposalStatus.NotLeader, leader, LogIndex.Zero, null, "not the leader"),
        ProposeResult.TransferInProgress => new(ProposalStatus.Busy, leader, LogIndex.Zero, null, "leadership transfer in progress"),
        ProposeResult.Dropped => new(ProposalStatus.Busy, leader, LogIndex.Zero, null, "too many uncommitted entries"),
        ProposeResult.MembershipChangePending => new(ProposalStatus.Busy, leader, LogIndex.Zero, null, "another membership change is in progress"),
        ProposeResult.Removed => new(ProposalStatus.Stopped, leader, LogIndex.Zero, null, "this node was removed from the group"),
        _ => new(ProposalStatus.Rejected, leader, LogIndex.Zero, null, result.ToString()),
    };
}
