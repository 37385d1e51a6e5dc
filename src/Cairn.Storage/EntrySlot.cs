using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>Where one live entry's payload sits on disk, with the metadata the core reads without touching the disk.</summary>
/// <param name="Term">The entry's term.</param>
/// <param name="Kind">The entry's kind.</param>
/// <param name="Segment">The sequence number of the segment holding the payload.</param>
/// <param name="DataOffset">The payload's byte offset in that segment file.</param>
/// <param name="DataLength">The payload's length in bytes.</param>
/// <param name="RecordDelta">How far the payload starts after its record's header, so a disk read can verify the record's checksums.</param>
internal readonly record struct EntrySlot(Term Term, EntryKind Kind, long Segment, long DataOffset, int DataLength, int RecordDelta)
{
    /// <summary>The byte offset of the record (its header) holding the payload.</summary>
    public long RecordOffset => DataOffset - RecordDelta;
}
