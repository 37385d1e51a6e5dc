using System.Buffers;
using Cairn.State.Codec;
using Cairn.State.Kv;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>The binary codec: varints, and every command and response type round trips.</summary>
public sealed class CodecTests
{
    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(127UL, 1)]
    [InlineData(128UL, 2)]
    [InlineData(16_384UL, 3)]
    [InlineData(ulong.MaxValue, 10)]
    public void Varints_round_trip_in_the_expected_size(ulong value, int size)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new StateWriter(buffer).WriteVarUInt64(value);
        Assert.Equal(size, buffer.WrittenCount);
        var reader = new StateReader(buffer.WrittenSpan);
        Assert.True(reader.TryReadVarUInt64(out var read));
        Assert.Equal(value, read);
        Assert.Equal(0, reader.RemainingBytes);
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0x80, 0x00 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Short_padded_or_overflowing_varints_are_refused(byte[] bytes)
    {
        var reader = new StateReader(bytes);
        Assert.False(reader.TryReadVarUInt64(out _));
    }

    public static TheoryData<StateCommand> Commands => new()
    {
        new KvPutCommand(B("key"), B("value"), 5, true),
        new KvRangeCommand(B("k"), true, 10),
        new KvDeleteCommand(B("k"), true, true),
        new KvCompactCommand(300),
        new LeaseGrantCommand(0, 1000),
        new LeaseGrantCommand(0, 1000, 7, 123_456_789),
        new LeaseRevokeCommand(1),
        new LeaseKeepAliveCommand(1),
        new LeaseKeepAliveCommand(1, 7, 123_456_789),
        new LeaseTimeToLiveCommand(1, true),
        new KvTxnCommand([KvCompare.ModRevisionIs(B("k"), KvCompareOperator.Greater, 9), KvCompare.ValueEquals(B("k"), B("v"))],
            [new KvPutCommand(B("a"), B("b"), 3), new KvRangeCommand(B("p"), true, 4)], [new KvDeleteCommand(B("c"), false, true)]),
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Kv_commands_round_trip(StateCommand command)
    {
        var bytes = StateCodec.EncodeCommand(command, sessionId: 12, sequence: 34);
        Assert.Equal(new byte[] { 1, 1, command.Operation, 12, 34 }, bytes[..5]);
        var reader = new StateReader(bytes.AsSpan(5));
        Assert.True(KvCodec.TryReadCommand((KvOperation)command.Operation, ref reader, out var decoded));
        Assert.Equal(0, reader.RemainingBytes);
        Assert.Equal(StateCodec.EncodeCommand(command, 12, 34), StateCodec.EncodeCommand(decoded, 12, 34));
    }

    public static TheoryData<StateResponse> Responses => new()
    {
        new ErrorResponse(StateStatus.TooLarge, "key is 2000 bytes; the limit is 1024"),
        EmptyResponse.Instance,
        new KvTxnResponse(7, true, [
            new KvPutResponse(new KeyValue(B("k"), B("v"), 2, 3, 2, 0)),
            new KvPutResponse(null),
            new KvRangeResponse([new KeyValue(B("a"), B("b"), 1, 1, 1, 9)], 5, true),
            new KvDeleteResponse(2, [new KeyValue(B("x"), [], 4, 4, 1, 0)])]),
        new KvCompactResponse(10, 5),
        new LeaseGrantResponse(1, 2, 3),
        new LeaseRevokeResponse(4, 5),
        new LeaseKeepAliveResponse(6, 7, 8),
        new LeaseTimeToLiveResponse(9, 10, 11, [B("a"), B("bc")]),
        new SessionRegisteredResponse(12),
        new TimeAdvancedResponse(13, 14, 15, true),
        new LeaderPromotedResponse(16, 17),
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public void Responses_round_trip_and_truncations_are_refused(StateResponse response)
    {
        var bytes = StateCodec.EncodeResponse(response);
        Assert.True(StateCodec.TryDecodeResponse(bytes, out var decoded));
        Assert.Equal(bytes, StateCodec.EncodeResponse(decoded));
        Assert.Equal(response.GetType(), decoded.GetType());
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.False(StateCodec.TryDecodeResponse(bytes.AsSpan(0, cut), out _));
        }
    }
}
