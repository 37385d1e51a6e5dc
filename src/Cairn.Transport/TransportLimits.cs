namespace Cairn.Transport;

/// <summary>
/// The documented limits of the peer protocol. Every length and count read from the network is checked against one
/// of these before anything is allocated for it, so a faulty or hostile peer cannot make a node allocate more than
/// the limit says.
/// </summary>
public static class TransportLimits
{
    /// <summary>The largest encoded message, and so the largest frame payload: 64 MiB.</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>The most entries one append may carry: 65,536.</summary>
    public const int MaxEntriesPerMessage = 64 * 1024;

    /// <summary>The most members (voters plus learners) a snapshot's membership may list: 1,024.</summary>
    public const int MaxMembers = 1024;

    /// <summary>The largest piece of snapshot data sent in one frame: 1 MiB. Larger snapshots travel as chunks.</summary>
    public const int MaxSnapshotChunkBytes = 1024 * 1024;

    /// <summary>The longest cluster id, in UTF-8 bytes: 128.</summary>
    public const int MaxClusterIdBytes = 128;

    /// <summary>The bytes of a frame header: payload length (u32, little-endian) then CRC32C of the payload (u32).</summary>
    public const int FrameHeaderBytes = 8;
}
