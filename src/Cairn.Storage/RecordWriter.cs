using System.Buffers.Binary;

namespace Cairn.Storage;

/// <summary>
/// Encodes framed records into one reusable buffer, so a whole <see cref="WalStorage.Persist"/> call becomes a
/// single write without per-call allocation once the buffer has grown to the largest batch.
/// </summary>
internal sealed class RecordWriter
{
    private byte[] _buffer = new byte[64 << 10];
    private int _length;
    private int _recordStart = -1;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public void Reset()
    {
        _length = 0;
        _recordStart = -1;
    }

    /// <summary>Starts a record; the header is filled in by <see cref="EndRecord"/>.</summary>
    public void BeginRecord()
    {
        _recordStart = _length;
        Reserve(StorageFormat.RecordHeaderBytes);
        _length += StorageFormat.RecordHeaderBytes;
    }

    /// <summary>The offset of the next payload byte from the start of the current record's payload.</summary>
    public int PayloadPosition => _length - _recordStart - StorageFormat.RecordHeaderBytes;

    public void EndRecord(RecordType type)
    {
        var payloadLength = PayloadPosition;
        if (payloadLength > StorageFormat.MaxRecordPayloadBytes)
        {
            throw new ArgumentException($"a batch of {payloadLength} bytes exceeds the WAL record limit of {StorageFormat.MaxRecordPayloadBytes} bytes");
        }

        var payload = _buffer.AsSpan(_recordStart + StorageFormat.RecordHeaderBytes, payloadLength);
        StorageFormat.WriteRecordHeader(_buffer.AsSpan(_recordStart), type, payload);
        var padding = (int)(StorageFormat.RecordExtent(payloadLength) - StorageFormat.RecordHeaderBytes - payloadLength);
        Reserve(padding);
        _buffer.AsSpan(_length, padding).Clear();
        _length += padding;
        _recordStart = -1;
    }

    public void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    public void WriteUInt32(uint value)
    {
        Reserve(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteUInt64(ulong value)
    {
        Reserve(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Reserve(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    private void Reserve(int bytes)
    {
        if (_length + (long)bytes <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max((long)_buffer.Length * 2, _length + (long)bytes);
        Array.Resize(ref _buffer, (int)Math.Min(size, Array.MaxLength));
    }
}
