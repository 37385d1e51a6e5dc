using System.Buffers.Binary;
using System.Text;
using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>
/// The handshake frame each side of a peer connection sends first: <c>u32 magic "CRNP" | u8 protocol version |
/// varint nodeId | varint clusterIdLength | clusterId (UTF-8)</c>. A listener closes a connection whose hello names
/// another cluster, a zero node id or its own id; a dialer closes one whose answer is not from the peer it dialled.
/// </summary>
/// <param name="NodeId">The sender's node id.</param>
/// <param name="ClusterId">The cluster the sender belongs to.</param>
internal readonly record struct Hello(NodeId NodeId, string ClusterId)
{
    /// <summary>"CRNP" read as a little-endian u32: catches a peer that speaks some other protocol.</summary>
    public const uint Magic = 0x504E5243;

    /// <summary>The peer protocol version; bumped on any incompatible change to framing or handshake.</summary>
    public const byte ProtocolVersion = 1;

    /// <summary>The encoded size of the body (after the frame kind byte).</summary>
    public int Size => 5 + Varint.Size(NodeId.Value) + Varint.Size((ulong)Encoding.UTF8.GetByteCount(ClusterId)) + Encoding.UTF8.GetByteCount(ClusterId);

    /// <summary>Writes the body into exactly <see cref="Size"/> bytes.</summary>
    public static void Write(Hello hello, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = ProtocolVersion;
        var position = 5;
        Varint.Write(destination, ref position, hello.NodeId.Value);
        var idBytes = Encoding.UTF8.GetByteCount(hello.ClusterId);
        Varint.Write(destination, ref position, (ulong)idBytes);
        Encoding.UTF8.GetBytes(hello.ClusterId, destination[position..]);
    }

    /// <summary>Reads a whole hello body; throws <see cref="MessageFormatException"/> on anything else.</summary>
    public static Hello Read(ReadOnlySpan<byte> body)
    {
        if (body.Length < 5 || BinaryPrimitives.ReadUInt32LittleEndian(body) != Magic)
        {
            throw new MessageFormatException("hello without the CRNP magic");
        }

        if (body[4] != ProtocolVersion)
        {
            throw new MessageFormatException($"unsupported peer protocol version {body[4]}");
        }

        var position = 5;
        if (!Varint.TryRead(body, ref position, out var nodeId) || !Varint.TryRead(body, ref position, out var length))
        {
            throw new MessageFormatException("truncated hello");
        }

        if (length > TransportLimits.MaxClusterIdBytes || (ulong)(body.Length - position) != length)
        {
            throw new MessageFormatException($"hello cluster id of {length} bytes does not fit the frame or the limit");
        }

        string clusterId;
        try
        {
            clusterId = new UTF8Encoding(false, true).GetString(body[position..]);
        }
        catch (ArgumentException e)
        {
            throw new MessageFormatException("hello cluster id is not UTF-8", e);
        }

        return new Hello(new NodeId(nodeId), clusterId);
    }
}
