namespace Cairn.Raft;

/// <summary>
/// A completed read-index request: once the state machine has applied <paramref name="Index"/>, a read of local
/// state is linearizable for the request identified by <paramref name="RequestId"/> (thesis §6.4).
/// </summary>
/// <param name="RequestId">The id the caller passed to <see cref="RaftNode.ReadIndex"/>.</param>
/// <param name="Index">The commit index the leader recorded when the request arrived.</param>
public readonly record struct ReadState(ulong RequestId, LogIndex Index);
