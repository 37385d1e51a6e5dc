using Cairn.Raft;
using Cairn.Simulation.Kv;
using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation.Tests;

/// <summary>The simulator's state machine: deterministic, exactly-once per client session, snapshot round trip.</summary>
public sealed class KvStateMachineTests
{
    private static Entry Command(ulong index, KvCommand command) =>
        new(new LogIndex(index), new Term(1), EntryKind.Command, command.Encode());

    [Fact]
    public void A_retried_write_is_applied_once_and_answered_with_the_first_result()
    {
        var machine = new KvStateMachine();
        var cas = new KvCommand(1, 1, KvOperationKind.CompareAndSwap, "k", "v1", null);
        Assert.True(machine.Apply(Command(1, cas))!.Value.Result.Ok);
        machine.Apply(Command(2, new KvCommand(2, 1, KvOperationKind.Put, "k", "other", null)));
        var retry = machine.Apply(Command(3, cas))!.Value;
        Assert.True(retry.Result.Ok);
        Assert.Equal("other", machine.Get("k"));
    }

    [Fact]
    public void Compare_and_swap_fails_without_changing_anything_when_the_value_differs()
    {
        var machine = new KvStateMachine();
        machine.Apply(Command(1, new KvCommand(1, 1, KvOperationKind.Put, "k", "a", null)));
        Assert.False(machine.Apply(Command(2, new KvCommand(1, 2, KvOperationKind.CompareAndSwap, "k", "c", "b")))!.Value.Result.Ok);
        Assert.Equal("a", machine.Get("k"));
    }

    [Fact]
    public void A_snapshot_restores_data_sessions_and_applied_index()
    {
        var machine = new KvStateMachine();
        machine.Apply(Command(1, new KvCommand(1, 1, KvOperationKind.Put, "k", "v", null)));
        machine.Apply(Command(2, new KvCommand(2, 1, KvOperationKind.Delete, "gone", null, null)));
        var restored = KvStateMachine.Restore(machine.Serialize());
        Assert.Equal(machine.Serialize(), restored.Serialize());
        Assert.Equal(new LogIndex(2), restored.AppliedIndex);
        Assert.Equal("v", restored.Get("k"));
    }

    [Fact]
    public void Commands_survive_encoding_including_absent_values()
    {
        var command = new KvCommand(3, 9, KvOperationKind.CompareAndSwap, "key", "new", null);
        Assert.Equal(command, KvCommand.Decode(command.Encode()));
    }
}
