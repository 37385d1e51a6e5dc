using System.Buffers;
using BenchmarkDotNet.Attributes;
using Cairn.Primitives;
using Cairn.Raft;
using Cairn.Transport;

namespace Cairn.Benchmarks.Transport;

/// <summary>
/// The peer codec without the network: one append of 64 entries of 256 bytes (the batch a busy leader sends),
/// encoded, framed with its CRC32C, and decoded. Allocations per operation are the regression signal.
/// </summary>
[MemoryDiagnoser]
public class MessageCodecBenchmark
{
    private const int EntryCount = 64;
    private const int EntryBytes = 256;

    private Message _append = null!;
    private byte[] _encoded = null!;
    private byte[] _buffer = null!;
    private ArrayBufferWriter<byte> _frames = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var entries = new Entry[EntryCount];
        for (var i = 0; i < EntryCount; i++)
        {
            var data = new byte[EntryBytes];
            random.NextBytes(data);
            entries[i] = new Entry(new LogIndex(100_001 + (ulong)i), new Term(7), EntryKind.Command, data);
        }

        _append = new Message
        {
            Type = MessageType.Append,
            From = new NodeId(1),
            To = new NodeId(2),
            Term = new Term(7),
            LogTerm = new Term(7),
            Index = new LogIndex(100_000),
            Commit = new LogIndex(99_990),
            Entries = entries,
        };
        _encoded = new byte[MessageCodec.GetEncodedSize(_append)];
        MessageCodec.TryWrite(_append, _encoded, out _);
        _buffer = new byte[_encoded.Length];
        _frames = new ArrayBufferWriter<byte>(_encoded.Length + 64);
    }

    /// <summary>Encodes into a reused span.</summary>
    [Benchmark]
    public int Encode()
    {
        MessageCodec.TryWrite(_append, _buffer, out var written);
        return written;
    }

    /// <summary>Encodes into a reused buffer writer as a whole frame: header, kind byte, payload, CRC32C.</summary>
    [Benchmark]
    public int EncodeFrame()
    {
        _frames.ResetWrittenCount();
        Frame.Write(_frames, FrameKind.Message, _append, (int)MessageCodec.GetEncodedSize(_append), static (m, s) => MessageCodec.WriteUnchecked(m, s));
        return _frames.WrittenCount;
    }

    /// <summary>CRC32C of the encoded append alone (the receive-side check).</summary>
    [Benchmark]
    public uint Crc32COfPayload() => Crc32C.Compute(_encoded);

    /// <summary>Decodes the append: entries copied out of the input into one array.</summary>
    [Benchmark]
    public int Decode()
    {
        MessageCodec.TryRead(_encoded, out var message, out _);
        return message.Entries.Count;
    }
}
