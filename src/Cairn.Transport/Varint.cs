namespace Cairn.Transport;

/// <summary>Unsigned LEB128 varints: seven bits per byte, low bits first, high bit set on every byte but the last.</summary>
internal static class Varint
{
    /// <summary>The longest encoding of a 64-bit value.</summary>
    public const int MaxBytes = 10;

    /// <summary>The encoded size of <paramref name="value"/>, 1 to 10 bytes.</summary>
    public static int Size(ulong value) => (70 - System.Numerics.BitOperations.LeadingZeroCount(value | 1)) / 7;

    /// <summary>Writes <paramref name="value"/> at <paramref name="position"/>; the caller has checked the room.</summary>
    public static void Write(Span<byte> destination, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[position++] = (byte)value;
    }

    /// <summary>
    /// Reads a varint at <paramref name="position"/>. False when the input ends inside it; throws
    /// <see cref="MessageFormatException"/> when it is longer than ten bytes or overflows 64 bits.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, ref int position, out ulong value)
    {
        value = 0;
        var shift = 0;
        for (var i = 0; i < MaxBytes; i++)
        {
            if (position + i >= source.Length)
            {
                return false;
            }

            var b = source[position + i];
            if (i == MaxBytes - 1 && b > 1)
            {
                throw new MessageFormatException("varint overflows 64 bits");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                position += i + 1;
                return true;
            }

            shift += 7;
        }

        throw new MessageFormatException("varint longer than 10 bytes");
    }
}
