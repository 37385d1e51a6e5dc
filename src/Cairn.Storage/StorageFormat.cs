using System.Buffers.Binary;

using Cairn.Primitives;

namespace Cairn.Storage;

/// <summary>
/// The on-disk layout shared by the format file, WAL segments and snapshots (docs/storage.md describes it for
/// operators). All integers are little-endian.
/// </summary>
internal static class StorageFormat
{
    /// <summary>The only format version this build reads and writes.</summary>
    public const uint Version = 1;

    public const string FormatFileName = "FORMAT";
    public const string LockFileName = "LOCK";
    public const string WalDirectoryName = "wal";
    public const string SnapshotDirectoryName = "snap";
    public const string SegmentSuffix = ".wal";
    public const string SnapshotSuffix = ".snap";
    public const string TempSuffix = ".tmp";

    /// <summary>Appended to a damaged snapshot file that recovery replaced with an older one; kept for analysis.</summary>
    public const string DamagedSuffix = ".damaged";

    // Format file: magic(8) version(4) crc(4).
    public const int FormatFileBytes = 16;

    // Segment header: magic(8) version(4) reserved(4) seq(8) reserved(4) crc(4).
    public const int SegmentHeaderBytes = 32;

    // Record header: payloadLength(4) type(1) zero(3) payloadCrc(4) headerCrc(4); records start 8-byte aligned.
    public const int RecordHeaderBytes = 16;
    public const int RecordAlignment = 8;

    /// <summary>No record may be larger, so a damaged length field cannot make recovery allocate gigabytes.</summary>
    public const int MaxRecordPayloadBytes = 1 << 30;

    public static ReadOnlySpan<byte> FormatMagic => "CAIRNFMT"u8;
    public static ReadOnlySpan<byte> SegmentMagic => "CAIRNWAL"u8;
    public static ReadOnlySpan<byte> SnapshotMagic => "CAIRNSNP"u8;

    public static long RecordExtent(int payloadBytes) => Align(RecordHeaderBytes + (long)payloadBytes);

    public static long Align(long bytes) => (bytes + RecordAlignment - 1) & ~(long)(RecordAlignment - 1);

    public static string SegmentFileName(long seq) => $"{seq:D20}{SegmentSuffix}";

    public static bool TryParseSegmentFileName(string fileName, out long seq)
    {
        seq = 0;
        return fileName.Length == 20 + SegmentSuffix.Length
            && fileName.EndsWith(SegmentSuffix, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), out seq);
    }

    public static void WriteSegmentHeader(Span<byte> into, long seq)
    {
        into[..SegmentHeaderBytes].Clear();
        SegmentMagic.CopyTo(into);
        BinaryPrimitives.WriteUInt32LittleEndian(into[8..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(into[16..], seq);
        BinaryPrimitives.WriteUInt32LittleEndian(into[28..], Crc32C.Compute(into[..28]));
    }

    public static void WriteRecordHeader(Span<byte> into, RecordType type, ReadOnlySpan<byte> payload)
    {
        into[..RecordHeaderBytes].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(into, payload.Length);
        into[4] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(into[8..], Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(into[12..], Crc32C.Compute(into[..12]));
    }
}
