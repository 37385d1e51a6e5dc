using Cairn.State.Kv;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>Snapshots hold everything (data, revisions, leases, sessions, committed time, history, compaction point)
/// as deterministic bytes, and a restored machine behaves exactly as the original.</summary>
public sealed class SnapshotTests
{
    private static Harness Busy()
    {
        var h = new Harness(new StateMachineOptions { SessionTimeoutMs = 5000 });
        var session = h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand()).SessionId;
        var lease = h.Grant(1000);
        h.Put("b", "2", lease);
        h.Put("a", "1");
        h.Apply(new KvPutCommand(B("c"), B("3"), PrevKv: true), session, 1);
        h.Put("a", "1b");
        h.Delete("c");
        h.Ok<KvCompactResponse>(new KvCompactCommand(4));
        h.Ok<LeaderPromotedResponse>(new PromoteLeaderCommand(2, 100, 50));
        h.Tick(300, epoch: 2);
        return h;
    }

    [Fact]
    public void The_same_state_gives_the_same_bytes_and_a_restore_round_trips_them()
    {
        var original = Busy();
        var again = Busy();
        var bytes = original.Machine.Snapshot();
        Assert.Equal(bytes, again.Machine.Snapshot());
        var restored = new StateMachine(new StateMachineOptions { SessionTimeoutMs = 5000 });
        Assert.True(restored.TryRestore(bytes, out var error), error);
        Assert.Equal(bytes, restored.Snapshot());
        Assert.Equal(original.Machine.AppliedIndex, restored.AppliedIndex);
        Assert.Equal(original.Machine.Revision, restored.Revision);
        Assert.Equal(original.Machine.CommittedTimeMs, restored.CommittedTimeMs);
        Assert.Equal(original.Machine.Kv.CompactRevision, restored.Kv.CompactRevision);
        Assert.Equal(original.Machine.Kv.History.Count, restored.Kv.History.Count);
        Assert.Equal(1, restored.SessionCount);
    }

    [Fact]
    public void A_capture_serializes_the_state_it_froze_while_the_machine_moves_on()
    {
        var h = Busy();
        var expected = h.Machine.Snapshot();
        var serialize = h.Machine.CaptureSnapshot();

        // Everything a snapshot holds changes after the capture: keys, a lease deadline, the session, history, time.
        h.Apply(new KvPutCommand(B("c"), B("4"), PrevKv: true), 1, 2);
        h.Put("a", "changed");
        h.Put("zz", "new");
        h.Ok<LeaseKeepAliveResponse>(new LeaseKeepAliveCommand(h.Machine.Kv.LeaseIds.Single()));
        h.Tick(400, epoch: 2);
        h.Ok<KvCompactResponse>(new KvCompactCommand(h.Machine.Revision));

        Assert.Equal(expected, serialize());
        Assert.NotEqual(expected, h.Machine.Snapshot());
    }

    [Fact]
    public void A_restored_machine_continues_exactly_as_the_original()
    {
        var original = Busy();
        var restored = new Harness(new StateMachineOptions { SessionTimeoutMs = 5000 }) { NextIndex = original.NextIndex };
        Assert.True(restored.Machine.TryRestore(original.Machine.Snapshot(), out _));
        foreach (var h in new[] { original, restored })
        {
            var retry = h.Apply(new KvPutCommand(B("c"), B("3"), PrevKv: true), 1, 1);
            Assert.True(retry.Duplicate);
            h.Tick(2000, epoch: 2);
            h.Put("d", "4");
        }
        Assert.Equal(original.Machine.Snapshot(), restored.Machine.Snapshot());
        Assert.Null(restored.Get("b"));
    }

    [Fact]
    public void A_damaged_snapshot_is_refused_and_the_state_kept()
    {
        var bytes = Busy().Machine.Snapshot();
        var machine = new Harness();
        machine.Put("keep", "me");
        var before = machine.Machine.Snapshot();
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.False(machine.Machine.TryRestore(bytes.AsSpan(0, cut), out var error));
            Assert.NotNull(error);
        }
        Assert.False(machine.Machine.TryRestore([.. bytes, 0], out _));
        Assert.Equal(before, machine.Machine.Snapshot());
    }
}
