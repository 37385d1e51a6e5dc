using System.Buffers;
using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>
/// The compact, versioned binary encoding of a Raft <see cref="Message"/> (format version 1). Writers and readers work
/// over spans and never throw on a short buffer: <c>TryWrite</c> returns false when the destination is too small,
/// <c>TryRead</c> returns false when the input ends early. Malformed input makes <c>TryRead</c> throw
/// <see cref="MessageFormatException"/> and nothing else.
/// </summary>
/// <remarks>
/// Layout (integers are unsigned LEB128 varints unless marked):
/// <code>
/// u8 version (1) | u8 type | u8 flags (bit 0 reject, bit 1 has snapshot)
/// from | to | term | logTerm | index | commit | rejectHint | context
/// entryCount, then per entry: index | term | u8 kind | dataLength | data
/// if has snapshot: index | term | voterCount | voters... | learnerCount | learners... | dataLength | data
/// </code>
/// Decoded entry payloads and snapshot data are copied out of the input (one array for all entries), so the input
/// buffer may be reused as soon as <c>TryRead</c> returns. All methods are thread-safe (the codec has no state).
/// </remarks>
public static class MessageCodec
{
    /// <summary>The format version this codec writes and the only one it reads.</summary>
    public const byte Version = 1;

    private const byte FlagReject = 1;
    private const byte FlagSnapshot = 2;
    private const int MinEntryBytes = 4;

    /// <summary>
    /// The exact number of bytes <paramref name="message"/> encodes to. May exceed
    /// <see cref="TransportLimits.MaxMessageBytes"/>, in which case the message cannot be written.
    /// </summary>
    public static long GetEncodedSize(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        long size = 3
            + Varint.Size(message.From.Value) + Varint.Size(message.To.Value) + Varint.Size(message.Term.Value)
            + Varint.Size(message.LogTerm.Value) + Varint.Size(message.Index.Value) + Varint.Size(message.Commit.Value)
            + Varint.Size(message.RejectHint.Value) + Varint.Size(message.Context)
            + Varint.Size((ulong)message.Entries.Count);
        foreach (var entry in message.Entries)
        {
            size += Varint.Size(entry.Index.Value) + Varint.Size(entry.Term.Value) + 1
                + Varint.Size((ulong)entry.Data.Length) + entry.Data.Length;
        }

        if (message.Snapshot is { } snapshot)
        {
            var membership = snapshot.Metadata.Membership;
            size += Varint.Size(snapshot.Metadata.Index.Value) + Varint.Size(snapshot.Metadata.Term.Value)
                + Varint.Size((ulong)membership.Voters.Count) + Varint.Size((ulong)membership.Learners.Count)
                + Varint.Size((ulong)snapshot.Data.Length) + snapshot.Data.Length;
            foreach (var id in membership.All)
            {
                size += Varint.Size(id.Value);
            }
        }

        return size;
    }

    /// <summary>True when <paramref name="message"/> respects every limit of <see cref="TransportLimits"/>.</summary>
    public static bool IsWithinLimits(Message message) =>
        message.Entries.Count <= TransportLimits.MaxEntriesPerMessage
        && (message.Snapshot is null
            || message.Snapshot.Metadata.Membership.Voters.Count + message.Snapshot.Metadata.Membership.Learners.Count <= TransportLimits.MaxMembers)
        && GetEncodedSize(message) <= TransportLimits.MaxMessageBytes;

    /// <summary>
    /// Encodes <paramref name="message"/> into <paramref name="destination"/>. False, with nothing meaningful written,
    /// when the destination is too small or the message is over the limits (see <see cref="IsWithinLimits"/>).
    /// </summary>
    public static bool TryWrite(Message message, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!IsWithinLimits(message))
        {
            return false;
        }

        var size = (int)GetEncodedSize(message);
        if (size > destination.Length)
        {
            return false;
        }

        bytesWritten = WriteUnchecked(message, destination);
        RaftAssertSize(bytesWritten, size);
        return true;
    }

    /// <summary>
    /// Encodes <paramref name="message"/> into <paramref name="writer"/> with one <c>GetSpan</c> and one <c>Advance</c>.
    /// False, with nothing written, when the message is over the limits (see <see cref="IsWithinLimits"/>).
    /// </summary>
    public static bool TryWrite(Message message, IBufferWriter<byte> writer, out int bytesWritten)
    {
        ArgumentNullException.ThrowIfNull(writer);
        bytesWritten = 0;
        if (!IsWithinLimits(message))
        {
            return false;
        }

        var size = (int)GetEncodedSize(message);
        var span = writer.GetSpan(size);
        bytesWritten = WriteUnchecked(message, span);
        RaftAssertSize(bytesWritten, size);
        writer.Advance(bytesWritten);
        return true;
    }

    /// <summary>
    /// Decodes one message from the start of <paramref name="source"/>. Returns false when the input ends before the
    /// message does (read more and call again); <paramref name="bytesConsumed"/> is then zero.
    /// </summary>
    /// <exception cref="MessageFormatException">The input is not a valid version-1 message or breaks a limit.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out Message message, out int bytesConsumed)
    {
        message = null!;
        bytesConsumed = 0;
        var reader = new SpanReader(source);
        if (!reader.TryByte(out var version) || !reader.TryByte(out var type) || !reader.TryByte(out var flags))
        {
            return false;
        }

        if (version != Version)
        {
            throw new MessageFormatException($"unknown message format version {version}");
        }

        if (type is < (byte)MessageType.PreVote or > (byte)MessageType.ProposeResponse)
        {
            throw new MessageFormatException($"unknown message type {type}");
        }

        if ((flags & ~(FlagReject | FlagSnapshot)) != 0)
        {
            throw new MessageFormatException($"unknown flags 0x{flags:x2}");
        }

        if (!reader.TryVarint(out var from) || !reader.TryVarint(out var to) || !reader.TryVarint(out var term)
            || !reader.TryVarint(out var logTerm) || !reader.TryVarint(out var index) || !reader.TryVarint(out var commit)
            || !reader.TryVarint(out var rejectHint) || !reader.TryVarint(out var context)
            || !TryReadEntries(ref reader, out var entries))
        {
            return false;
        }

        Snapshot? snapshot = null;
        if ((flags & FlagSnapshot) != 0 && !TryReadSnapshot(ref reader, out snapshot))
        {
            return false;
        }

        message = new Message
        {
            Type = (MessageType)type,
            From = new NodeId(from),
            To = new NodeId(to),
            Term = new Term(term),
            LogTerm = new Term(logTerm),
            Index = new LogIndex(index),
            Commit = new LogIndex(commit),
            Reject = (flags & FlagReject) != 0,
            RejectHint = new LogIndex(rejectHint),
            Context = context,
            Entries = entries,
            Snapshot = snapshot,
        };
        bytesConsumed = reader.Position;
        return true;
    }

    /// <summary>Encodes a message already checked by <see cref="IsWithinLimits"/> into a span of at least its size.</summary>
    internal static int WriteUnchecked(Message message, Span<byte> destination)
    {
        var position = 0;
        destination[position++] = Version;
        destination[position++] = (byte)message.Type;
        destination[position++] = (byte)((message.Reject ? FlagReject : 0) | (message.Snapshot is null ? 0 : FlagSnapshot));
        Varint.Write(destination, ref position, message.From.Value);
        Varint.Write(destination, ref position, message.To.Value);
        Varint.Write(destination, ref position, message.Term.Value);
        Varint.Write(destination, ref position, message.LogTerm.Value);
        Varint.Write(destination, ref position, message.Index.Value);
        Varint.Write(destination, ref position, message.Commit.Value);
        Varint.Write(destination, ref position, message.RejectHint.Value);
        Varint.Write(destination, ref position, message.Context);
        var entries = message.Entries;
        Varint.Write(destination, ref position, (ulong)entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            Varint.Write(destination, ref position, entry.Index.Value);
            Varint.Write(destination, ref position, entry.Term.Value);
            destination[position++] = (byte)entry.Kind;
            WriteBytes(destination, ref position, entry.Data.Span);
        }

        if (message.Snapshot is { } snapshot)
        {
            Varint.Write(destination, ref position, snapshot.Metadata.Index.Value);
            Varint.Write(destination, ref position, snapshot.Metadata.Term.Value);
            WriteIds(destination, ref position, snapshot.Metadata.Membership.Voters);
            WriteIds(destination, ref position, snapshot.Metadata.Membership.Learners);
            WriteBytes(destination, ref position, snapshot.Data.Span);
        }

        return position;
    }

    private static void WriteBytes(Span<byte> destination, ref int position, ReadOnlySpan<byte> data)
    {
        Varint.Write(destination, ref position, (ulong)data.Length);
        data.CopyTo(destination[position..]);
        position += data.Length;
    }

    private static void WriteIds(Span<byte> destination, ref int position, IReadOnlyList<NodeId> ids)
    {
        Varint.Write(destination, ref position, (ulong)ids.Count);
        foreach (var id in ids)
        {
            Varint.Write(destination, ref position, id.Value);
        }
    }

    private static bool TryReadEntries(ref SpanReader reader, out Entry[] entries)
    {
        entries = [];
        if (!reader.TryVarint(out var count))
        {
            return false;
        }

        if (count > TransportLimits.MaxEntriesPerMessage)
        {
            throw new MessageFormatException($"{count} entries exceed the limit of {TransportLimits.MaxEntriesPerMessage}");
        }

        if (count == 0)
        {
            return true;
        }

        // Each entry takes at least four bytes, so a count the input cannot hold is reported as short before any
        // array is sized by it.
        if ((ulong)reader.Remaining < count * MinEntryBytes)
        {
            return false;
        }

        var result = new Entry[count];
        var offsets = ArrayPool<int>.Shared.Rent(2 * (int)count);
        try
        {
            var dataStart = reader.Position;
            for (var i = 0; i < result.Length; i++)
            {
                if (!reader.TryVarint(out var index) || !reader.TryVarint(out var term) || !reader.TryByte(out var kind)
                    || !reader.TryLength(out var length) || !reader.TrySkip(length))
                {
                    return false;
                }

                if (kind > (byte)EntryKind.MembershipChange)
                {
                    throw new MessageFormatException($"unknown entry kind {kind}");
                }

                offsets[2 * i] = reader.Position - length - dataStart;
                offsets[(2 * i) + 1] = length;
                result[i] = new Entry(new LogIndex(index), new Term(term), (EntryKind)kind, ReadOnlyMemory<byte>.Empty);
            }

            // One copy of the whole entry region backs every payload: one allocation instead of one per entry.
            var blob = reader.Slice(dataStart, reader.Position - dataStart).ToArray();
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = result[i] with { Data = blob.AsMemory(offsets[2 * i], offsets[(2 * i) + 1]) };
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
        }

        entries = result;
        return true;
    }

    private static bool TryReadSnapshot(ref SpanReader reader, out Snapshot? snapshot)
    {
        snapshot = null;
        if (!reader.TryVarint(out var index) || !reader.TryVarint(out var term)
            || !TryReadIds(ref reader, out var voters) || !TryReadIds(ref reader, out var learners)
            || !reader.TryLength(out var length))
        {
            return false;
        }

        if (voters.Length + learners.Length > TransportLimits.MaxMembers)
        {
            throw new MessageFormatException($"membership of {voters.Length + learners.Length} exceeds {TransportLimits.MaxMembers}");
        }

        var start = reader.Position;
        if (!reader.TrySkip(length))
        {
            return false;
        }

        Membership membership;
        try
        {
            membership = new Membership(voters, learners);
        }
        catch (ArgumentException e)
        {
            throw new MessageFormatException("invalid snapshot membership", e);
        }

        var data = length == 0 ? ReadOnlyMemory<byte>.Empty : reader.Slice(start, length).ToArray();
        snapshot = new Snapshot(new SnapshotMetadata(new LogIndex(index), new Term(term), membership), data);
        return true;
    }

    private static bool TryReadIds(ref SpanReader reader, out NodeId[] ids)
    {
        ids = [];
        if (!reader.TryVarint(out var count))
        {
            return false;
        }

        if (count > TransportLimits.MaxMembers)
        {
            throw new MessageFormatException($"{count} members exceed the limit of {TransportLimits.MaxMembers}");
        }

        if ((ulong)reader.Remaining < count)
        {
            return false;
        }

        var result = new NodeId[count];
        for (var i = 0; i < result.Length; i++)
        {
            if (!reader.TryVarint(out var id))
            {
                return false;
            }

            result[i] = new NodeId(id);
        }

        ids = result;
        return true;
    }

    private static void RaftAssertSize(int written, int expected)
    {
        if (written != expected)
        {
            throw new InvalidOperationException($"codec wrote {written} bytes, expected {expected}");
        }
    }
}
