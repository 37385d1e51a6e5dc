namespace Cairn.Transport;

/// <summary>The first byte of every frame payload: what the rest of the payload is.</summary>
internal enum FrameKind : byte
{
    /// <summary>The handshake: magic, protocol version, sender's node id, cluster id. First frame in each direction.</summary>
    Hello = 1,

    /// <summary>One <see cref="Cairn.Raft.Message"/> in the <see cref="MessageCodec"/> encoding.</summary>
    Message = 2,

    /// <summary>A piece of a chunked InstallSnapshot (see <see cref="SnapshotChunk"/>).</summary>
    SnapshotChunk = 3,
}
