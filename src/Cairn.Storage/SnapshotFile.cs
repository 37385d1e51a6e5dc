using System.Buffers.Binary;
using Cairn.Primitives;
using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// The snapshot file layout: a checksummed header (magic, version, index, term, membership, data length), the
/// state machine's bytes, then a CRC-32C of those bytes. The whole file is what streams to a follower, so the
/// follower verifies exactly what the leader verified.
/// </summary>
internal static class SnapshotFile
{
    private const int FixedHeaderBytes = 48;
    private const int TrailerBytes = 4;

    public static string FileName(LogIndex index, Term term) => $"{index.Value:D20}-{term.Value:D20}{StorageFormat.SnapshotSuffix}";

    public static bool TryParseFileName(string fileName, out LogIndex index, out Term term)
    {
        index = LogIndex.Zero;
        term = Term.Zero;
        if (fileName.Length != 41 + StorageFormat.SnapshotSuffix.Length || !fileName.EndsWith(StorageFormat.SnapshotSuffix, StringComparison.Ordinal)
            || !ulong.TryParse(fileName.AsSpan(0, 20), out var i) || fileName[20] != '-' || !ulong.TryParse(fileName.AsSpan(21, 20), out var t))
        {
            return false;
        }

        index = new LogIndex(i);
        term = new Term(t);
        return true;
    }

    public static byte[] EncodeHeader(SnapshotMetadata metadata, long dataLength)
    {
        var voters = metadata.Membership.Voters;
        var learners = metadata.Membership.Learners;
        var header = new byte[FixedHeaderBytes + (8 * (voters.Count + learners.Count)) + 4];
        StorageFormat.SnapshotMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), StorageFormat.Version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), header.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), metadata.Index.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), metadata.Term.Value);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), dataLength);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), voters.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(44), learners.Count);
        var at = FixedHeaderBytes;
        foreach (var id in metadata.Membership.All)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(at), id.Value);
            at += 8;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(at), Crc32C.Compute(header.AsSpan(0, at)));
        return header;
    }

    public static byte[] EncodeTrailer(ReadOnlySpan<byte> data)
    {
        var trailer = new byte[TrailerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32C.Compute(data));
        return trailer;
    }

    /// <summary>Verifies a whole snapshot file and returns the snapshot, whose data aliases <paramref name="file"/>.</summary>
    /// <exception cref="StorageCorruptionException">The file is damaged or incomplete.</exception>
    /// <exception cref="StorageVersionException">The file has another format version.</exception>
    public static Snapshot Decode(string path, byte[] file)
    {
        var bytes = file.AsSpan();
        if (bytes.Length < FixedHeaderBytes + 4 + TrailerBytes || !bytes.StartsWith(StorageFormat.SnapshotMagic))
        {
            throw new StorageCorruptionException(path, 0, "not a complete snapshot file (bad magic or too short)");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != StorageFormat.Version)
        {
            throw new StorageVersionException(path, version);
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        if (headerLength < FixedHeaderBytes + 4 || headerLength > bytes.Length - TrailerBytes
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[(headerLength - 4)..]) != Crc32C.Compute(bytes[..(headerLength - 4)]))
        {
            throw new StorageCorruptionException(path, 0, "snapshot header checksum mismatch");
        }

        var dataLength = BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]);
        var voterCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[40..]);
        var learnerCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[44..]);
        if (dataLength != bytes.Length - headerLength - TrailerBytes || voterCount < 0 || learnerCount < 0
            || FixedHeaderBytes + (8L * (voterCount + learnerCount)) + 4 != headerLength)
        {
            throw new StorageCorruptionException(path, 32, "snapshot length or membership does not match the file");
        }

        var data = file.AsMemory(headerLength, (int)dataLength);
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[^TrailerBytes..]) != Crc32C.Compute(data.Span))
        {
            throw new StorageCorruptionException(path, headerLength, "snapshot data checksum mismatch");
        }

        var ids = new NodeId[voterCount + learnerCount];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(bytes[(FixedHeaderBytes + (8 * i))..]));
        }

        var membership = new Membership(ids[..voterCount], ids[voterCount..]);
        var index = new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]));
        var term = new Term(BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
        return new Snapshot(new SnapshotMetadata(index, term, membership), data);
    }
}
