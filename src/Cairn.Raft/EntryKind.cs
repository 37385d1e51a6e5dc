namespace Cairn.Raft;

/// <summary>What a log entry carries.</summary>
public enum EntryKind : byte
{
    /// <summary>An application command (empty data: the leader's no-op at the start of its term).</summary>
    Command = 0,

    /// <summary>A membership change, encoded by <see cref="MembershipChange"/>.</summary>
    MembershipChange = 1,
}
