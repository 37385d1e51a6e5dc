namespace Cairn.Raft;

/// <summary>A leader's view of one peer's replication.</summary>
/// <param name="Id">The peer.</param>
/// <param name="Match">The highest index known to be replicated on it.</param>
/// <param name="Next">The next index the leader will send it.</param>
/// <param name="State">Probe, Replicate or Snapshot.</param>
/// <param name="IsLearner">True for a non-voting member.</param>
public readonly record struct PeerStatus(NodeId Id, LogIndex Match, LogIndex Next, string State, bool IsLearner);
