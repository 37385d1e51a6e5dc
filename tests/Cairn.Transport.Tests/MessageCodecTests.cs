using System.Buffers;
using Cairn.Raft;

namespace Cairn.Transport.Tests;

/// <summary>Property tests of the message codec over seeded random messages (the seed is in every failure message).</summary>
public sealed class MessageCodecTests
{
    private const ulong Seed = 0xC0DEC;

    [Fact]
    public void Random_messages_round_trip_exactly_through_spans_and_buffer_writers()
    {
        var random = new SplitMix64(Seed);
        for (var i = 0; i < 2000; i++)
        {
            var message = TestMessages.Random(random);
            var size = (int)MessageCodec.GetEncodedSize(message);
            var buffer = new byte[size + 7];
            Assert.True(MessageCodec.TryWrite(message, buffer, out var written), $"seed {Seed} case {i}");
            Assert.Equal(size, written);

            var writer = new ArrayBufferWriter<byte>();
            Assert.True(MessageCodec.TryWrite(message, writer, out var writtenToWriter));
            Assert.True(writer.WrittenSpan.SequenceEqual(buffer.AsSpan(0, size)), $"seed {Seed} case {i}: writers disagree");
            Assert.Equal(size, writtenToWriter);

            Assert.True(MessageCodec.TryRead(buffer, out var decoded, out var consumed), $"seed {Seed} case {i}");
            Assert.Equal(size, consumed);
            TestMessages.AssertSame(message, decoded);
        }
    }

    [Fact]
    public void Every_truncation_returns_false_and_a_short_destination_is_refused()
    {
        var random = new SplitMix64(Seed + 1);
        for (var i = 0; i < 200; i++)
        {
            var message = TestMessages.Random(random);
            var encoded = Encode(message);
            for (var length = 0; length < encoded.Length; length++)
            {
                Assert.False(MessageCodec.TryRead(encoded.AsSpan(0, length), out _, out var consumed), $"seed {Seed + 1} case {i} length {length}");
                Assert.Equal(0, consumed);
            }

            Assert.False(MessageCodec.TryWrite(message, new byte[encoded.Length - 1], out _));
        }
    }

    [Fact]
    public void Random_corruption_throws_nothing_but_the_format_error()
    {
        var random = new SplitMix64(Seed + 2);
        var outcomes = new int[3];
        for (var i = 0; i < 20_000; i++)
        {
            var encoded = Encode(TestMessages.Random(random));
            var flips = 1 + random.Next(4);
            for (var f = 0; f < flips; f++)
            {
                encoded[random.Next(encoded.Length)] ^= (byte)(1 + random.Next(255));
            }

            try
            {
                outcomes[MessageCodec.TryRead(encoded, out _, out _) ? 0 : 1]++;
            }
            catch (MessageFormatException)
            {
                outcomes[2]++;
            }
        }

        Assert.All(outcomes, count => Assert.True(count > 0, $"seed {Seed + 2}: outcomes {string.Join(",", outcomes)}"));
    }

    [Fact]
    public void Random_garbage_throws_nothing_but_the_format_error()
    {
        var random = new SplitMix64(Seed + 3);
        for (var i = 0; i < 20_000; i++)
        {
            var garbage = TestMessages.Bytes(random, random.Next(64));
            if (garbage.Length > 0)
            {
                garbage[0] = MessageCodec.Version;
            }

            try
            {
                MessageCodec.TryRead(garbage, out _, out _);
            }
            catch (MessageFormatException)
            {
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 2, 5, 0 }, "version")]
    [InlineData(new byte[] { 1, 0, 0 }, "type")]
    [InlineData(new byte[] { 1, 15, 0 }, "type")]
    [InlineData(new byte[] { 1, 5, 4 }, "flags")]
    [InlineData(new byte[] { 1, 5, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 }, "varint")]
    [InlineData(new byte[] { 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x80, 0x04 }, "entries exceed")]
    public void Malformed_headers_name_the_problem(byte[] input, string expected)
    {
        var error = Assert.Throws<MessageFormatException>(() => MessageCodec.TryRead(input, out _, out _));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_over_the_limit_is_an_error_before_anything_is_allocated_for_it()
    {
        // One entry whose payload claims 2^31 bytes, in a 20-byte input.
        byte[] input = [1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x08];
        var error = Assert.Throws<MessageFormatException>(() => MessageCodec.TryRead(input, out _, out _));
        Assert.Contains("exceeds the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_count_the_input_cannot_hold_is_short_not_an_allocation()
    {
        // 65,536 entries announced with three bytes left: reported as incomplete without sizing an array by the count.
        byte[] input = [1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x80, 0x04, 0, 0, 0];
        Assert.False(MessageCodec.TryRead(input, out _, out _));
    }

    [Fact]
    public void Messages_over_the_limits_are_refused_by_the_writer()
    {
        var tooMany = new Message
        {
            Type = MessageType.Append,
            From = new NodeId(1),
            To = new NodeId(2),
            Entries = new Entry[TransportLimits.MaxEntriesPerMessage + 1],
        };
        Assert.False(MessageCodec.IsWithinLimits(tooMany));
        Assert.False(MessageCodec.TryWrite(tooMany, new ArrayBufferWriter<byte>(), out _));
    }

    [Fact]
    public void A_heartbeat_is_a_few_bytes()
    {
        var heartbeat = TestMessages.Heartbeat(new NodeId(1), new NodeId(2), 42);
        Assert.Equal(12, MessageCodec.GetEncodedSize(heartbeat));
    }

    [Fact]
    public void Invalid_membership_is_a_format_error()
    {
        var message = new Message
        {
            Type = MessageType.InstallSnapshot,
            From = new NodeId(1),
            To = new NodeId(2),
            Snapshot = new Snapshot(new SnapshotMetadata(new LogIndex(5), new Term(2), new Membership([new NodeId(3)], [new NodeId(4)])), new byte[3]),
        };
        var encoded = Encode(message);

        // Make the learner id equal the voter id (both are one-byte varints).
        var voter = Array.LastIndexOf(encoded, (byte)3, encoded.Length - 5);
        encoded[voter + 2] = 3;
        Assert.Throws<MessageFormatException>(() => MessageCodec.TryRead(encoded, out _, out _));
    }

    private static byte[] Encode(Message message)
    {
        var buffer = new byte[MessageCodec.GetEncodedSize(message)];
        Assert.True(MessageCodec.TryWrite(message, buffer, out _));
        return buffer;
    }
}
