using System.Buffers.Binary;
using Cairn.Primitives;
using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>Payload layouts of the WAL record types (docs/storage.md) and the framing check used by recovery.</summary>
internal static class WalCodec
{
    public const int StartPayloadBytes = 48;
    public const int EntryHeaderBytes = 21;
    private const byte HasHardState = 1;
    private const byte HasInstall = 2;

    public static void WriteStart(RecordWriter writer, HardState hardState, LogIndex snapshotIndex, Term snapshotTerm, LogIndex lastIndex)
    {
        writer.BeginRecord();
        WriteHardState(writer, hardState);
        writer.WriteUInt64(snapshotIndex.Value);
        writer.WriteUInt64(snapshotTerm.Value);
        writer.WriteUInt64(lastIndex.Value);
        writer.EndRecord(RecordType.SegmentStart);
    }

    public static SegmentStart ReadStart(ReadOnlySpan<byte> payload) => new(
        ReadHardState(payload),
        new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(payload[24..])),
        new Term(BinaryPrimitives.ReadUInt64LittleEndian(payload[32..])),
        new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(payload[40..])));

    /// <summary>
    /// Encodes one batch; <paramref name="dataOffsets"/> receives each entry's payload offset relative to the
    /// record's payload start, so the caller can index the entries once it knows where the record lands.
    /// </summary>
    public static void WriteBatch(RecordWriter writer, HardState? hardState, SnapshotMetadata? install, IReadOnlyList<Entry> entries, List<int> dataOffsets)
    {
        writer.BeginRecord();
        writer.WriteByte((byte)((hardState is null ? 0 : HasHardState) | (install is null ? 0 : HasInstall)));
        if (hardState is { } hs)
        {
            WriteHardState(writer, hs);
        }

        if (install is not null)
        {
            writer.WriteUInt64(install.Index.Value);
            writer.WriteUInt64(install.Term.Value);
        }

        writer.WriteUInt32((uint)entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            writer.WriteUInt64(entry.Index.Value);
            writer.WriteUInt64(entry.Term.Value);
            writer.WriteByte((byte)entry.Kind);
            writer.WriteUInt32((uint)entry.Data.Length);
            dataOffsets.Add(writer.PayloadPosition);
            writer.WriteBytes(entry.Data.Span);
        }

        writer.EndRecord(RecordType.Batch);
    }

    /// <summary>
    /// Decodes a batch whose checksum already matched; false when its contents are inconsistent (which a valid
    /// checksum makes a bug or a foreign writer, so the caller refuses the file).
    /// </summary>
    public static bool TryReadBatch(ReadOnlySpan<byte> payload, long segment, long payloadOffset, out BatchHeader header, List<EntrySlot> slots)
    {
        header = default;
        if (payload.Length < 5)
        {
            return false;
        }

        var flags = payload[0];
        var at = 1;
        HardState? hardState = null;
        if ((flags & HasHardState) != 0)
        {
            hardState = ReadHardState(payload[at..]);
            at += 24;
        }

        LogIndex? installIndex = null;
        var installTerm = Term.Zero;
        if ((flags & HasInstall) != 0)
        {
            installIndex = new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(payload[at..]));
            installTerm = new Term(BinaryPrimitives.ReadUInt64LittleEndian(payload[(at + 8)..]));
            at += 16;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]);
        at += 4;
        var first = LogIndex.Zero;
        for (var i = 0u; i < count; i++)
        {
            if (payload.Length - at < EntryHeaderBytes)
            {
                return false;
            }

            var index = new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(payload[at..]));
            var term = new Term(BinaryPrimitives.ReadUInt64LittleEndian(payload[(at + 8)..]));
            var kind = (EntryKind)payload[at + 16];
            var length = BinaryPrimitives.ReadInt32LittleEndian(payload[(at + 17)..]);
            at += EntryHeaderBytes;
            if (length < 0 || payload.Length - at < length || (i == 0 ? index == LogIndex.Zero : index != first.Plus(i)))
            {
                return false;
            }

            first = i == 0 ? index : first;
            slots.Add(new EntrySlot(term, kind, segment, payloadOffset + at, length, StorageFormat.RecordHeaderBytes + at));
            at += length;
        }

        header = new BatchHeader(hardState, installIndex, installTerm, first);
        return at == payload.Length;
    }

    public static void WriteSnapshotSaved(RecordWriter writer, LogIndex index, Term term)
    {
        writer.BeginRecord();
        writer.WriteUInt64(index.Value);
        writer.WriteUInt64(term.Value);
        writer.EndRecord(RecordType.SnapshotSaved);
    }

    public static (LogIndex Index, Term Term) ReadSnapshotSaved(ReadOnlySpan<byte> payload) => (
        new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(payload)),
        new Term(BinaryPrimitives.ReadUInt64LittleEndian(payload[8..])));

    /// <summary>
    /// Checks the record framed at <paramref name="position"/>: <see cref="RecordStatus.End"/> for an all-zero
    /// header (the preallocated, never-written rest of a segment), <see cref="RecordStatus.Invalid"/> when the
    /// header or payload checksum does not match or the record runs past the end of the file.
    /// </summary>
    public static RecordStatus Check(ReadOnlySpan<byte> segment, long position, out RecordType type, out int payloadLength)
    {
        type = default;
        payloadLength = 0;
        var remaining = segment.Length - position;
        if (remaining <= 0)
        {
            // The padding of the last record was cut off with the end of the file: nothing follows.
            return RecordStatus.End;
        }

        if (remaining < StorageFormat.RecordHeaderBytes)
        {
            return segment[(int)position..].ContainsAnyExcept((byte)0) ? RecordStatus.Invalid : RecordStatus.End;
        }

        var header = segment.Slice((int)position, StorageFormat.RecordHeaderBytes);
        if (!header.ContainsAnyExcept((byte)0))
        {
            return RecordStatus.End;
        }

        if (!TryReadHeader(header, out type, out payloadLength) || remaining - StorageFormat.RecordHeaderBytes < payloadLength)
        {
            return RecordStatus.Invalid;
        }

        var payload = segment.Slice((int)position + StorageFormat.RecordHeaderBytes, payloadLength);
        return BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) == Crc32C.Compute(payload) ? RecordStatus.Valid : RecordStatus.Invalid;
    }

    /// <summary>
    /// Checks a record header on its own (its checksum, a known type, a possible length), so a reader knows how
    /// much to read before it can check the payload; false when the header is damaged.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out RecordType type, out int payloadLength)
    {
        type = (RecordType)header[4];
        payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header);
        return BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) == Crc32C.Compute(header[..12])
            && type is RecordType.SegmentStart or RecordType.Batch or RecordType.SnapshotSaved
            && payloadLength >= 0 && payloadLength <= StorageFormat.MaxRecordPayloadBytes;
    }

    private static void WriteHardState(RecordWriter writer, HardState hardState)
    {
        writer.WriteUInt64(hardState.Term.Value);
        writer.WriteUInt64(hardState.Vote.Value);
        writer.WriteUInt64(hardState.Commit.Value);
    }

    private static HardState ReadHardState(ReadOnlySpan<byte> payload) => new(
        new Term(BinaryPrimitives.ReadUInt64LittleEndian(payload)),
        new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(payload[8..])),
        new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(payload[16..])));
}
