namespace Cairn.Raft;

/// <summary>
/// One log entry. A value type so that batches of entries are arrays, not arrays of objects; the payload
/// memory is owned by whoever proposed it and must not be mutated afterwards.
/// </summary>
/// <param name="Index">Position in the log.</param>
/// <param name="Term">Term of the leader that created it.</param>
/// <param name="Kind">Command or membership change.</param>
/// <param name="Data">The payload; empty for a leader's no-op.</param>
public readonly record struct Entry(LogIndex Index, Term Term, EntryKind Kind, ReadOnlyMemory<byte> Data)
{
    /// <summary>Fixed per-entry overhead counted by size limits, besides the payload.</summary>
    public const int OverheadBytes = 24;

    /// <summary>The size this entry counts for in byte limits (payload plus fixed overhead).</summary>
    public long SizeBytes => Data.Length + OverheadBytes;

    /// <inheritdoc/>
    public override string ToString() => $"{Index}@{Term}{(Kind == EntryKind.MembershipChange ? "/conf" : "")}({Data.Length}B)";
}
