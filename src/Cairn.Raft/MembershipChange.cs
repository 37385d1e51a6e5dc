using System.Buffers.Binary;

namespace Cairn.Raft;

/// <summary>
/// A membership change as carried in a <see cref="EntryKind.MembershipChange"/> entry. The context bytes are
/// opaque to the core; hosts put the new member's address there.
/// </summary>
/// <param name="Kind">What changes.</param>
/// <param name="Node">The member that changes.</param>
/// <param name="Context">Host data (for example the peer URL), at most <see cref="MaxContextBytes"/>.</param>
public readonly record struct MembershipChange(MembershipChangeKind Kind, NodeId Node, ReadOnlyMemory<byte> Context)
{
    /// <summary>The largest context accepted.</summary>
    public const int MaxContextBytes = 4096;

    private const int HeaderBytes = 9;

    /// <summary>Encodes the change as an entry payload.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[HeaderBytes + Context.Length];
        bytes[0] = (byte)Kind;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1), Node.Value);
        Context.Span.CopyTo(bytes.AsSpan(HeaderBytes));
        return bytes;
    }

    /// <summary>Decodes a payload written by <see cref="Encode"/>.</summary>
    /// <exception cref="FormatException">The payload is not a membership change.</exception>
    public static MembershipChange Decode(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        if (span.Length < HeaderBytes || span[0] is < (byte)MembershipChangeKind.AddVoter or > (byte)MembershipChangeKind.RemoveNode)
        {
            throw new FormatException("not a membership change payload");
        }

        return new MembershipChange((MembershipChangeKind)span[0], new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(span[1..])), data[HeaderBytes..]);
    }
}
