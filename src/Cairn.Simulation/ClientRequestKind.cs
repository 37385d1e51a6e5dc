namespace Cairn.Simulation;

/// <summary>What a simulated client asks the cluster to do.</summary>
internal enum ClientRequestKind
{
    /// <summary>Opens the client session that makes its writes exactly-once (a system command, outside any session).</summary>
    RegisterSession,

    /// <summary>Reads a key: a ReadIndex barrier then a local query, or now and then a range through the log.</summary>
    Get,

    /// <summary>Sets a key.</summary>
    Put,

    /// <summary>A transaction: set a key if its value is the one the client last saw (or it is absent).</summary>
    CompareAndSwap,

    /// <summary>A transaction: set a key if its version is the one the client last saw (0: absent).</summary>
    CompareVersionAndSwap,

    /// <summary>Deletes a key.</summary>
    Delete,

    /// <summary>Grants the client a lease.</summary>
    LeaseGrant,

    /// <summary>Puts a new key attached to the client's lease.</summary>
    PutOnLease,

    /// <summary>Renews the client's lease.</summary>
    LeaseKeepAlive,

    /// <summary>Asks the client's lease's remaining time to live, through the log.</summary>
    LeaseTimeToLive,

    /// <summary>Revokes the client's lease, deleting its keys.</summary>
    LeaseRevoke,
}
