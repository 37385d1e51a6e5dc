namespace Cairn.State;

/// <summary>The outcome class of a command. Every value except <see cref="Ok"/> comes with a message naming the field.</summary>
public enum StateStatus : byte
{
    /// <summary>The command applied (a transaction whose compares failed is still <see cref="Ok"/>).</summary>
    Ok = 0,

    /// <summary>The command bytes are short, have trailing bytes or hold an impossible value.</summary>
    Malformed = 1,

    /// <summary>The codec version byte is not one this build reads.</summary>
    UnsupportedVersion = 2,

    /// <summary>No module has the command's module id.</summary>
    UnknownModule = 3,

    /// <summary>The module has no operation with the command's operation code.</summary>
    UnknownOperation = 4,

    /// <summary>A field is out of range (empty key, zero TTL, duplicate key in a transaction...).</summary>
    InvalidArgument = 5,

    /// <summary>A size or count limit was exceeded (key, value, operations per transaction, command size).</summary>
    TooLarge = 6,

    /// <summary>The lease does not exist (never granted, revoked or expired).</summary>
    LeaseNotFound = 7,

    /// <summary>A lease with the requested id already exists.</summary>
    LeaseExists = 8,

    /// <summary>The requested revision is older than the compaction point.</summary>
    RevisionCompacted = 9,

    /// <summary>The requested revision is newer than the current revision.</summary>
    FutureRevision = 10,

    /// <summary>The client session is unknown: never registered, or expired.</summary>
    SessionExpired = 11,

    /// <summary>The sequence number is older than the session's latest, whose result is the only one kept.</summary>
    SessionSequenceStale = 12,

    /// <summary>A time command came from a leader epoch other than the promoted one.</summary>
    StaleLeaderEpoch = 13,

    /// <summary>The session table is full.</summary>
    TooManySessions = 14,
}
