using Cairn.Raft;

namespace Cairn.Node;

/// <summary>A consistent picture of one node, taken on its event loop.</summary>
/// <param name="Id">The node.</param>
/// <param name="Role">Its role.</param>
/// <param name="Term">Its term.</param>
/// <param name="Leader">The leader it knows of.</param>
/// <param name="Commit">Its commit index.</param>
/// <param name="Applied">Its applied index.</param>
/// <param name="LastIndex">Its last log index.</param>
/// <param name="Membership">The membership it applies.</param>
/// <param name="Peers">Replication progress of the others, when it leads.</param>
public sealed record NodeStatus(
    NodeId Id, RaftRole Role, Term Term, NodeId Leader, LogIndex Commit, LogIndex Applied, LogIndex LastIndex,
    Membership Membership, IReadOnlyList<PeerStatus> Peers);
