using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Cairn.State.Codec;

/// <summary>
/// Reads the state machine's binary codec from a span. Every method returns <see langword="false"/> on short or malformed
/// input instead of throwing, so a bad command yields the same error result on every replica.
/// </summary>
/// <remarks>Integers are unsigned LEB128 varints (at most 10 bytes, no overflow, no padding bytes); byte strings are a
/// varint length followed by the bytes; booleans are one byte, 0 or 1.</remarks>
public ref struct StateReader
{
    private const int MaxVarintBytes = 10;
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads from <paramref name="buffer"/>; the reader never reads outside it.</summary>
    public StateReader(ReadOnlySpan<byte> buffer) => _remaining = buffer;

    /// <summary>The number of bytes not read yet.</summary>
    public readonly int RemainingBytes => _remaining.Length;

    /// <summary>Reads one byte.</summary>
    public bool TryReadByte(out byte value)
    {
        if (_remaining.IsEmpty)
        {
            value = 0;
            return false;
        }
        value = _remaining[0];
        _remaining = _remaining[1..];
        return true;
    }

    /// <summary>Reads a boolean; any byte other than 0 or 1 is malformed.</summary>
    public bool TryReadBool(out bool value)
    {
        value = false;
        if (!TryReadByte(out var raw) || raw > 1)
        {
            return false;
        }
        value = raw == 1;
        return true;
    }

    /// <summary>Reads an unsigned LEB128 varint; overlong encodings and values above <see cref="ulong.MaxValue"/> are malformed.</summary>
    public bool TryReadVarUInt64(out ulong value)
    {
        value = 0;
        for (var i = 0; i < MaxVarintBytes; i++)
        {
            if (i >= _remaining.Length)
            {
                return false;
            }
            var b = _remaining[i];
            if (i == MaxVarintBytes - 1 && b > 1)
            {
                return false;
            }
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                // A final zero byte after the first is padding: one value has exactly one encoding.
                if (i > 0 && b == 0)
                {
                    return false;
                }
                _remaining = _remaining[(i + 1)..];
                return true;
            }
        }
        return false;
    }

    /// <summary>Reads a count no larger than <paramref name="max"/>.</summary>
    public bool TryReadCount(int max, out int count)
    {
        count = 0;
        if (!TryReadVarUInt64(out var raw) || raw > (ulong)max)
        {
            return false;
        }
        count = (int)raw;
        return true;
    }

    /// <summary>Reads a length-prefixed byte string of at most <paramref name="maxLengthBytes"/> bytes into a new array.</summary>
    public bool TryReadBytes(int maxLengthBytes, [NotNullWhen(true)] out byte[]? value)
    {
        value = null;
        if (!TryReadCount(maxLengthBytes, out var length) || length > _remaining.Length)
        {
            return false;
        }
        value = _remaining[..length].ToArray();
        _remaining = _remaining[length..];
        return true;
    }

    /// <summary>Reads a length-prefixed UTF-8 string of at most <paramref name="maxLengthBytes"/> bytes.</summary>
    public bool TryReadString(int maxLengthBytes, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (!TryReadCount(maxLengthBytes, out var length) || length > _remaining.Length)
        {
            return false;
        }
        value = Encoding.UTF8.GetString(_remaining[..length]);
        _remaining = _remaining[length..];
        return true;
    }
}
