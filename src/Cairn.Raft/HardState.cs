namespace Cairn.Raft;

/// <summary>
/// The state that must be durable before a node sends any message that depends on it (paper Figure 2,
/// "persistent state"): the current term, the vote cast in it, and the commit index (kept so a restart does
/// not have to relearn it; losing it is safe).
/// </summary>
/// <param name="Term">The latest term this node has seen.</param>
/// <param name="Vote">The candidate voted for in <paramref name="Term"/>, or <see cref="NodeId.None"/>.</param>
/// <param name="Commit">The highest index known to be committed.</param>
public readonly record struct HardState(Term Term, NodeId Vote, LogIndex Commit)
{
    /// <summary>The state of a node that has never started.</summary>
    public static readonly HardState Empty;

    /// <inheritdoc/>
    public override string ToString() => $"hs({Term} vote={Vote} commit={Commit})";
}
