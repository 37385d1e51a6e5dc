namespace Cairn.Client.Cluster;

/// <summary>How fresh a read must be.</summary>
public enum ReadConsistency
{
    /// <summary>Confirmed by a quorum through the leader (ReadIndex): sees every write acknowledged before the read began.</summary>
    Linearizable = 0,

    /// <summary>Served from whichever node answers, without asking a quorum: faster and available without a leader, possibly old.</summary>
    Stale = 1,
}
