namespace Cairn.Transport;

/// <summary>
/// A forward cursor over untrusted bytes. Every <c>Try</c> method returns false when the input ends early and throws
/// <see cref="MessageFormatException"/> when a value breaks a limit; on false the position is unspecified.
/// </summary>
internal ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _source;

    /// <summary>Starts reading at the beginning of <paramref name="source"/>.</summary>
    public SpanReader(ReadOnlySpan<byte> source)
    {
        _source = source;
        Position = 0;
    }

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes left to read.</summary>
    public readonly int Remaining => _source.Length - Position;

    /// <summary>A view of already-read input.</summary>
    public readonly ReadOnlySpan<byte> Slice(int start, int length) => _source.Slice(start, length);

    /// <summary>Reads one byte.</summary>
    public bool TryByte(out byte value)
    {
        if (Position >= _source.Length)
        {
            value = 0;
            return false;
        }

        value = _source[Position++];
        return true;
    }

    /// <summary>Reads a varint.</summary>
    public bool TryVarint(out ulong value)
    {
        var position = Position;
        var ok = Varint.TryRead(_source, ref position, out value);
        Position = position;
        return ok;
    }

    /// <summary>Reads a byte length, which must not exceed <see cref="TransportLimits.MaxMessageBytes"/>.</summary>
    public bool TryLength(out int length)
    {
        length = 0;
        if (!TryVarint(out var value))
        {
            return false;
        }

        if (value > TransportLimits.MaxMessageBytes)
        {
            throw new MessageFormatException($"length {value} exceeds the limit of {TransportLimits.MaxMessageBytes} bytes");
        }

        length = (int)value;
        return true;
    }

    /// <summary>Moves past <paramref name="count"/> bytes, or returns false when fewer remain.</summary>
    public bool TrySkip(int count)
    {
        if (count > Remaining)
        {
            return false;
        }

        Position += count;
        return true;
    }
}
