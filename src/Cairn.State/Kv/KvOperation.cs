namespace Cairn.State.Kv;

/// <summary>The KV module's operation codes (the third byte of a KV command).</summary>
public enum KvOperation : byte
{
    /// <summary><see cref="KvPutCommand"/>.</summary>
    Put = 1,

    /// <summary><see cref="KvRangeCommand"/>.</summary>
    Range = 2,

    /// <summary><see cref="KvDeleteCommand"/>.</summary>
    Delete = 3,

    /// <summary><see cref="KvTxnCommand"/>.</summary>
    Txn = 4,

    /// <summary><see cref="KvCompactCommand"/>.</summary>
    Compact = 5,

    /// <summary><see cref="LeaseGrantCommand"/>.</summary>
    LeaseGrant = 6,

    /// <summary><see cref="LeaseRevokeCommand"/>.</summary>
    LeaseRevoke = 7,

    /// <summary><see cref="LeaseKeepAliveCommand"/>.</summary>
    LeaseKeepAlive = 8,

    /// <summary><see cref="LeaseTimeToLiveCommand"/>.</summary>
    LeaseTimeToLive = 9,
}
