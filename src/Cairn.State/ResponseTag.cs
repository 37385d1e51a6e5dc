namespace Cairn.State;

/// <summary>The first byte after the version in an encoded response: which response type follows.</summary>
internal enum ResponseTag : byte
{
    Error = 0,
    Empty = 1,
    KvTxn = 2,
    KvCompact = 3,
    LeaseGrant = 4,
    LeaseRevoke = 5,
    LeaseKeepAlive = 6,
    LeaseTimeToLive = 7,
    SessionRegistered = 8,
    TimeAdvanced = 9,
    LeaderPromoted = 10,
}
