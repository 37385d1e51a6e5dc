namespace Cairn.Raft.Tracking;

/// <summary>How the leader is currently replicating to one follower (after etcd's raft tracker design).</summary>
internal enum ReplicationState : byte
{
    /// <summary>The follower's log position is unknown: send one append at a time and wait for its answer.</summary>
    Probe = 0,

    /// <summary>The follower is known to match: pipeline appends up to the in-flight limit.</summary>
    Replicate = 1,

    /// <summary>A snapshot is on its way: send nothing until the follower reports it.</summary>
    Snapshot = 2,
}
