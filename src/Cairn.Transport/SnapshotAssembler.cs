using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>
/// Puts a chunked InstallSnapshot back together on the receiving connection. Holds at most one transfer; a chunk with a
/// new transfer id at offset zero abandons the previous one (the sender moved on to a newer snapshot). Memory held is
/// bounded by the bytes actually received, never by the total a peer announces. Not thread-safe: one per connection.
/// </summary>
internal sealed class SnapshotAssembler
{
    private readonly List<ReadOnlyMemory<byte>> _chunks = [];
    private ulong _transferId;
    private long _receivedBytes;
    private bool _active;

    /// <summary>
    /// Adds a chunk; returns the whole InstallSnapshot message after its last chunk, otherwise null. Throws
    /// <see cref="MessageFormatException"/> for a chunk that does not continue the current transfer.
    /// </summary>
    public Message? Add(SnapshotChunk chunk)
    {
        if (chunk.Offset == 0)
        {
            _chunks.Clear();
            _transferId = chunk.TransferId;
            _receivedBytes = 0;
            _active = true;
        }
        else if (!_active || chunk.TransferId != _transferId || chunk.Offset != _receivedBytes)
        {
            throw new MessageFormatException($"snapshot chunk {chunk.TransferId}@{chunk.Offset} does not continue transfer {_transferId}@{_receivedBytes}");
        }

        _chunks.Add(chunk.Data);
        _receivedBytes += chunk.Data.Length;
        if (!chunk.IsLast)
        {
            return null;
        }

        var data = new byte[chunk.TotalBytes];
        var position = 0;
        foreach (var piece in _chunks)
        {
            piece.Span.CopyTo(data.AsSpan(position));
            position += piece.Length;
        }

        _chunks.Clear();
        _active = false;
        var header = chunk.Header!;
        return header with { Snapshot = header.Snapshot! with { Data = data } };
    }
}
