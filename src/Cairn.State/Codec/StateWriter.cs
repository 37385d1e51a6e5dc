using System.Buffers;
using System.Text;

namespace Cairn.State.Codec;

/// <summary>
/// Writes the state machine's binary codec (see <see cref="StateReader"/>) into an <see cref="IBufferWriter{T}"/>.
/// Not thread-safe; the writer does not own the buffer.
/// </summary>
/// <param name="output">Where the bytes go.</param>
public sealed class StateWriter(IBufferWriter<byte> output)
{
    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value)
    {
        var span = output.GetSpan(1);
        span[0] = value;
        output.Advance(1);
    }

    /// <summary>Writes a boolean as one byte, 0 or 1.</summary>
    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Writes an unsigned LEB128 varint (1 to 10 bytes).</summary>
    public void WriteVarUInt64(ulong value)
    {
        var span = output.GetSpan(10);
        var count = 0;
        while (value >= 0x80)
        {
            span[count++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[count++] = (byte)value;
        output.Advance(count);
    }

    /// <summary>Writes a length-prefixed byte string.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarUInt64((ulong)value.Length);
        output.Write(value);
    }

    /// <summary>Writes a length-prefixed UTF-8 string.</summary>
    public void WriteString(string value)
    {
        WriteBytes(Encoding.UTF8.GetBytes(value));
    }
}
