using System.Buffers;
using System.Buffers.Binary;

using Cairn.Primitives;

namespace Cairn.Transport;

/// <summary>
/// Frames on a peer connection: <c>u32 payloadLength | u32 crc32c(payload) | payload</c>, little-endian, where the
/// payload starts with a <see cref="FrameKind"/> byte. The length is checked against
/// <see cref="TransportLimits.MaxMessageBytes"/> before the payload is waited for, so a bad length costs nothing.
/// </summary>
internal static class Frame
{
    /// <summary>The largest payload: a message plus its kind byte.</summary>
    public const int MaxPayloadBytes = TransportLimits.MaxMessageBytes + 1;

    /// <summary>Reserves a header, lets <paramref name="writePayload"/> fill the payload, then fills the header.</summary>
    public static void Write<TState>(ArrayBufferWriter<byte> writer, FrameKind kind, TState state, int payloadBytes, SpanWriter<TState> writePayload)
    {
        var total = TransportLimits.FrameHeaderBytes + 1 + payloadBytes;
        var span = writer.GetSpan(total)[..total];
        span[TransportLimits.FrameHeaderBytes] = (byte)kind;
        var payload = span[TransportLimits.FrameHeaderBytes..];
        writePayload(state, payload[1..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C.Compute(payload));
        writer.Advance(total);
    }

    /// <summary>
    /// Finds one complete frame at the start of <paramref name="buffer"/>. False when more bytes are needed.
    /// Throws <see cref="MessageFormatException"/> for a length over <paramref name="maxPayloadBytes"/> (checked before
    /// the payload is waited for) or a CRC mismatch.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPayloadBytes, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < TransportLimits.FrameHeaderBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[TransportLimits.FrameHeaderBytes];
        buffer.Slice(0, TransportLimits.FrameHeaderBytes).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length == 0 || length > (uint)maxPayloadBytes)
        {
            throw new MessageFormatException($"frame length {length} outside 1..{maxPayloadBytes}");
        }

        if (buffer.Length < TransportLimits.FrameHeaderBytes + length)
        {
            return false;
        }

        payload = buffer.Slice(TransportLimits.FrameHeaderBytes, length);
        var actual = uint.MaxValue;
        foreach (var segment in payload)
        {
            // Segments are not 8-byte aligned in general, but CRC is a stream: appending segment by segment is exact.
            actual = Crc32C.Append(actual, segment.Span);
        }

        if (~actual != crc)
        {
            throw new MessageFormatException($"frame CRC mismatch: header 0x{crc:x8}, payload 0x{~actual:x8}");
        }

        buffer = buffer.Slice(TransportLimits.FrameHeaderBytes + length);
        return true;
    }
}
