using System.Buffers;
using System.Text;
using Cairn.Primitives;
using Cairn.Raft;

namespace Cairn.Transport.Tests;

public sealed class FrameTests
{
    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        // The CRC-32C check value of "123456789" (RFC 3720 / the CRC catalogue).
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Crc32C_over_segments_equals_crc_over_the_whole()
    {
        var data = TestMessages.Bytes(new SplitMix64(7), 1000);
        var split = Crc32C.Append(Crc32C.Append(uint.MaxValue, data.AsSpan(0, 13)), data.AsSpan(13));
        Assert.Equal(Crc32C.Compute(data), ~split);
    }

    [Fact]
    public void A_frame_round_trips_and_leaves_the_rest_of_the_buffer()
    {
        var message = TestMessages.Append(new NodeId(1), new NodeId(2), 9);
        var writer = new ArrayBufferWriter<byte>();
        Frame.Write(writer, FrameKind.Message, message, (int)MessageCodec.GetEncodedSize(message), static (m, s) => MessageCodec.WriteUnchecked(m, s));
        Frame.Write(writer, FrameKind.Message, message, (int)MessageCodec.GetEncodedSize(message), static (m, s) => MessageCodec.WriteUnchecked(m, s));
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);

        Assert.True(Frame.TryRead(ref buffer, 1 << 20, out var payload));
        Assert.Equal((byte)FrameKind.Message, payload.FirstSpan[0]);
        Assert.True(MessageCodec.TryRead(payload.ToArray().AsSpan(1), out var decoded, out _));
        TestMessages.AssertSame(message, decoded);
        Assert.Equal(writer.WrittenCount / 2, buffer.Length);
    }

    [Fact]
    public void A_partial_frame_waits_for_more_bytes()
    {
        var writer = new ArrayBufferWriter<byte>();
        Frame.Write(writer, FrameKind.Hello, new Hello(new NodeId(1), "c"), new Hello(new NodeId(1), "c").Size, static (h, s) => Hello.Write(h, s));
        for (var length = 0; length < writer.WrittenCount; length++)
        {
            var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory[..length]);
            Assert.False(Frame.TryRead(ref buffer, 1024, out _));
        }
    }

    [Fact]
    public void A_corrupted_payload_fails_the_crc()
    {
        var writer = new ArrayBufferWriter<byte>();
        var hello = new Hello(new NodeId(1), "cluster");
        Frame.Write(writer, FrameKind.Hello, hello, hello.Size, static (h, s) => Hello.Write(h, s));
        var bytes = writer.WrittenSpan.ToArray();
        bytes[^1] ^= 0x10;
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Contains("CRC", Assert.Throws<MessageFormatException>(() => Frame.TryRead(ref buffer, 1024, out _)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_length_fails_from_the_header_alone()
    {
        byte[] header = [0, 0, 0, 0x10, 0, 0, 0, 0];
        var buffer = new ReadOnlySequence<byte>(header);
        Assert.Throws<MessageFormatException>(() => Frame.TryRead(ref buffer, 1024, out _));
    }

    [Fact]
    public void Hello_round_trips_and_rejects_garbage()
    {
        var hello = new Hello(new NodeId(77), "prod-eu");
        var body = new byte[hello.Size];
        Hello.Write(hello, body);
        Assert.Equal(hello, Hello.Read(body));
        body[0] ^= 1;
        Assert.Throws<MessageFormatException>(() => Hello.Read(body));
    }

    [Fact]
    public void Snapshot_chunks_reassemble_and_reject_gaps()
    {
        var data = TestMessages.Bytes(new SplitMix64(3), 2500);
        var header = new Message
        {
            Type = MessageType.InstallSnapshot,
            From = new NodeId(1),
            To = new NodeId(2),
            Snapshot = new Snapshot(new SnapshotMetadata(new LogIndex(10), new Term(2), new Membership([new NodeId(1)], [])), ReadOnlyMemory<byte>.Empty),
        };
        var assembler = new SnapshotAssembler();
        Message? result = null;
        for (var offset = 0; offset < data.Length; offset += 1000)
        {
            var length = Math.Min(1000, data.Length - offset);
            var chunk = new SnapshotChunk(5, data.Length, offset, data.AsMemory(offset, length), offset + length == data.Length ? header : null);
            var body = new byte[chunk.Size];
            SnapshotChunk.Write(chunk, body);
            result = assembler.Add(SnapshotChunk.Read(body, 1 << 20));
        }

        Assert.NotNull(result);
        Assert.True(result.Snapshot!.Data.Span.SequenceEqual(data));
        Assert.Throws<MessageFormatException>(() => assembler.Add(new SnapshotChunk(5, data.Length, 1000, data.AsMemory(0, 10), null)));
    }

    [Fact]
    public void A_snapshot_announced_over_the_limit_is_refused()
    {
        var chunk = new SnapshotChunk(1, 1L << 40, 0, new byte[10], null);
        var body = new byte[chunk.Size];
        SnapshotChunk.Write(chunk, body);
        Assert.Throws<MessageFormatException>(() => SnapshotChunk.Read(body, 1 << 30));
    }
}
