namespace Cairn.Raft;

/// <summary>
/// The leader's answer to a proposal this follower forwarded (see <see cref="RaftNode.Propose(ReadOnlyMemory{byte}, ulong, out LogIndex)"/>):
/// where the leader put it, or that it refused it. An accepted proposal is applied at <paramref name="Index"/> with
/// <paramref name="Term"/> unless a new leader overwrites it, exactly as a proposal made on the leader itself.
/// </summary>
/// <param name="RequestId">The id the follower gave the proposal.</param>
/// <param name="Accepted">False when the leader refused it (it no longer leads, a transfer is in progress, or too many entries are uncommitted).</param>
/// <param name="Index">The log index the leader appended it at; zero when refused.</param>
/// <param name="Term">The leader's term, which the entry carries.</param>
public readonly record struct ForwardedProposal(ulong RequestId, bool Accepted, LogIndex Index, Term Term);
