using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// Streams a snapshot file to a follower in chunks of the caller's choosing. The bytes are the whole file
/// (header, data, checksum), which the follower feeds to <see cref="SnapshotReceiver.WriteChunk"/> in order.
/// Holds the file open, so pruning the snapshot meanwhile does not cut the stream short. Not thread-safe.
/// </summary>
public sealed class SnapshotReader : IDisposable
{
    private readonly IStorageFile _file;

    internal SnapshotReader(SnapshotMetadata metadata, IStorageFile file)
    {
        Metadata = metadata;
        _file = file;
        LengthBytes = file.Length;
    }

    /// <summary>The snapshot being streamed.</summary>
    public SnapshotMetadata Metadata { get; }

    /// <summary>The total number of bytes to stream.</summary>
    public long LengthBytes { get; }

    /// <summary>Reads the chunk at <paramref name="offset"/> into <paramref name="buffer"/>; returns its length (0 at the end).</summary>
    public int ReadChunk(long offset, Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var length = (int)Math.Min(buffer.Length, Math.Max(0, LengthBytes - offset));
        return _file.Read(offset, buffer[..length]);
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
