namespace Cairn.Raft;

/// <summary>Volatile state worth reporting when it changes: who leads, and this node's role. Not persisted.</summary>
/// <param name="Leader">The known leader, or <see cref="NodeId.None"/>.</param>
/// <param name="Role">This node's role.</param>
/// <param name="Term">The current term.</param>
public readonly record struct SoftState(NodeId Leader, RaftRole Role, Term Term);
