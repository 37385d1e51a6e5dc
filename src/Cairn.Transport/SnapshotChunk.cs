using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>
/// One piece of an InstallSnapshot whose data is larger than <see cref="TransportLimits.MaxSnapshotChunkBytes"/>.
/// Body: <c>varint transferId | varint totalBytes | varint offset | varint chunkLength | chunk | [message]</c>, where
/// the last chunk (offset + chunkLength == totalBytes) is followed by the InstallSnapshot message itself, encoded by
/// <see cref="MessageCodec"/> with empty snapshot data. Chunks of one transfer travel in order on one connection.
/// </summary>
/// <param name="TransferId">Identifies the transfer on its connection; a new id abandons the previous transfer.</param>
/// <param name="TotalBytes">The full snapshot data length.</param>
/// <param name="Offset">Where this chunk starts in the data.</param>
/// <param name="Data">The chunk's bytes.</param>
/// <param name="Header">On the last chunk only: the message, with empty snapshot data.</param>
internal readonly record struct SnapshotChunk(ulong TransferId, long TotalBytes, long Offset, ReadOnlyMemory<byte> Data, Message? Header)
{
    /// <summary>True for the final chunk, which carries <see cref="Header"/>.</summary>
    public bool IsLast => Offset + Data.Length == TotalBytes;

    /// <summary>The encoded body size.</summary>
    public int Size => Varint.Size(TransferId) + Varint.Size((ulong)TotalBytes) + Varint.Size((ulong)Offset)
        + Varint.Size((ulong)Data.Length) + Data.Length + (Header is null ? 0 : (int)MessageCodec.GetEncodedSize(Header));

    /// <summary>Writes the body into exactly <see cref="Size"/> bytes.</summary>
    public static void Write(SnapshotChunk chunk, Span<byte> destination)
    {
        var position = 0;
        Varint.Write(destination, ref position, chunk.TransferId);
        Varint.Write(destination, ref position, (ulong)chunk.TotalBytes);
        Varint.Write(destination, ref position, (ulong)chunk.Offset);
        Varint.Write(destination, ref position, (ulong)chunk.Data.Length);
        chunk.Data.Span.CopyTo(destination[position..]);
        position += chunk.Data.Length;
        if (chunk.Header is { } header && !MessageCodec.TryWrite(header, destination[position..], out _))
        {
            throw new InvalidOperationException("snapshot header does not fit its frame");
        }
    }

    /// <summary>
    /// Reads a whole chunk body, checking it against <paramref name="maxSnapshotBytes"/>; throws
    /// <see cref="MessageFormatException"/> on anything malformed. The chunk's data is a copy: the body may be reused.
    /// </summary>
    public static SnapshotChunk Read(ReadOnlySpan<byte> body, long maxSnapshotBytes)
    {
        var position = 0;
        if (!Varint.TryRead(body, ref position, out var transferId) || !Varint.TryRead(body, ref position, out var total)
            || !Varint.TryRead(body, ref position, out var offset) || !Varint.TryRead(body, ref position, out var length))
        {
            throw new MessageFormatException("truncated snapshot chunk");
        }

        if (total > (ulong)maxSnapshotBytes || length > TransportLimits.MaxSnapshotChunkBytes || offset > total
            || length > total - offset || length > (ulong)(body.Length - position))
        {
            throw new MessageFormatException($"snapshot chunk offset={offset} length={length} total={total} breaks the limits");
        }

        var data = body.Slice(position, (int)length).ToArray();
        position += (int)length;
        Message? header = null;
        if (offset + length == total)
        {
            if (!MessageCodec.TryRead(body[position..], out var message, out var consumed) || position + consumed != body.Length)
            {
                throw new MessageFormatException("last snapshot chunk without a whole header message");
            }

            if (message.Type != MessageType.InstallSnapshot || message.Snapshot is null || !message.Snapshot.Data.IsEmpty)
            {
                throw new MessageFormatException("snapshot chunk header is not an InstallSnapshot with empty data");
            }

            header = message;
        }
        else if (position != body.Length)
        {
            throw new MessageFormatException("trailing bytes after a snapshot chunk");
        }

        return new SnapshotChunk(transferId, (long)total, (long)offset, data, header);
    }
}
