using Cairn.State.Kv;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>Bad bytes never throw: apply answers with a clear error, the same on every replica, and changes nothing
/// but the applied index.</summary>
public sealed class MalformedCommandTests
{
    public static TheoryData<byte[], StateStatus> Cases => new()
    {
        { [9, 1, 1, 0], StateStatus.UnsupportedVersion },
        { [1], StateStatus.Malformed },
        { [1, 1], StateStatus.Malformed },
        { [1, 1, 1], StateStatus.Malformed },
        { [1, 1, 1, 0], StateStatus.Malformed },
        { [1, 1, 1, 0, 5, (byte)'a'], StateStatus.Malformed },
        { [1, 9, 1, 0], StateStatus.UnknownModule },
        { [1, 1, 99, 0], StateStatus.UnknownOperation },
        { [1, 0, 99, 0], StateStatus.UnknownOperation },
        { [1, 0, 2, 0, 0x80], StateStatus.Malformed },
        { [1, 1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], StateStatus.Malformed },
        { [1, 1, 1, 0, 1, (byte)'k', 1, (byte)'v', 0, 2], StateStatus.Malformed },
        { [1, 1, 1, 0, 1, (byte)'k', 1, (byte)'v', 0, 0, 0xFF], StateStatus.Malformed },
        { [1, 1, 4, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], StateStatus.Malformed },
        { [1, 1, 4, 0, 0, 1, 4, 1, (byte)'k', 0], StateStatus.Malformed },
        { [1, 1, 1, 0, 0x81, 0x00], StateStatus.Malformed },
        { [1, 1, 6, 0, 0, 0xE8, 0x07], StateStatus.Malformed },
        { [1, 1, 8, 0, 1, 5], StateStatus.Malformed },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_bytes_give_an_error_result_and_leave_the_state_unchanged(byte[] bytes, StateStatus status)
    {
        var bad = new Harness();
        var good = new Harness();
        foreach (var h in new[] { bad, good })
        {
            h.Put("k", "v");
            h.Grant(100);
        }
        var result = bad.ApplyRaw(bytes);
        good.ApplyRaw([]);
        var error = Assert.IsType<ErrorResponse>(result.Response);
        Assert.Equal(status, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Empty(result.Events);
        Assert.Equal(good.Machine.Snapshot(), bad.Machine.Snapshot());
    }

    [Fact]
    public void Every_truncation_of_every_valid_command_is_an_error_not_an_exception()
    {
        var commands = new StateCommand[]
        {
            new KvPutCommand(B("key"), B("value"), 5, true),
            new KvRangeCommand(B("k"), true, 10),
            new KvDeleteCommand(B("k"), true, true),
            new KvTxnCommand([KvCompare.ValueEquals(B("k"), B("v"))], [new KvPutCommand(B("a"), B("b"))], [new KvDeleteCommand(B("c"))]),
            new KvCompactCommand(300),
            new LeaseGrantCommand(0, 1000),
            new LeaseGrantCommand(0, 1000, 7, 123_456_789),
            new LeaseRevokeCommand(1),
            new LeaseKeepAliveCommand(1),
            new LeaseKeepAliveCommand(1, 7, 123_456_789),
            new LeaseTimeToLiveCommand(1, true),
            new ExpireLeasesCommand(0, 1000),
            new PromoteLeaderCommand(1, 2, 3),
        };
        var h = new Harness();
        foreach (var command in commands)
        {
            var bytes = StateCodec.EncodeCommand(command, 300, 7);
            for (var cut = 1; cut < bytes.Length; cut++)
            {
                var status = h.ApplyRaw(bytes[..cut]).Response.Status;
                Assert.True(status is StateStatus.Malformed, $"{command} cut at {cut}: {status}");
            }
        }
        Assert.Equal(1UL, h.Machine.Revision);
        Assert.Empty(h.Machine.Kv.All());
    }

    [Fact]
    public void An_index_at_or_below_the_applied_index_is_a_host_bug()
    {
        var machine = new StateMachine();
        machine.Apply(5, []);
        Assert.Throws<InvalidOperationException>(() => machine.Apply(5, []));
    }
}
