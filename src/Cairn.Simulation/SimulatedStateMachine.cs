using Cairn.Node;
using Cairn.Raft;
using Cairn.State;
using Cairn.State.Watch;

namespace Cairn.Simulation;

/// <summary>
/// Cairn's real state machine (<see cref="StateMachine"/>) as the runtime drives it, the way the server's
/// ReplicatedStateMachine does: every committed entry goes through <see cref="StateMachine.Apply"/> (membership
/// entries and no-ops as empty commands, so indexes stay in step), its change events go to the node's
/// <see cref="WatchHub"/>, and a restore resets the hub. Every apply, snapshot and restore is shown to the simulation.
/// The proposer's result is the whole <see cref="ApplyResult"/>, so a client sees whether it was a duplicate.
/// </summary>
internal sealed class SimulatedStateMachine(
    StateMachineOptions options,
    WatchHub watches,
    Action<LogIndex, Entry> applying,
    Action<Entry, ApplyResult, StateMachine> applied,
    Action<ulong, byte[]> snapshotted,
    Action<StateMachine> restored) : IStateMachine
{
    /// <summary>The state, for reads on the node's loop.</summary>
    public StateMachine State { get; private set; } = new(options);

    /// <summary>The node's watch hub, fed in log order.</summary>
    public WatchHub Watches => watches;

    public object? Apply(Entry entry)
    {
        // Shown before applying: an index applied twice is a runtime bug that the state machine refuses by throwing.
        applying(new LogIndex(State.AppliedIndex), entry);
        var command = entry.Kind == EntryKind.Command ? entry.Data.Span : ReadOnlySpan<byte>.Empty;
        var result = State.Apply(entry.Index.Value, command);
        watches.Publish(result);
        applied(entry, result, State);
        return result;
    }

    public Func<byte[]> CaptureSnapshot()
    {
        var serialize = State.CaptureSnapshot();
        var index = State.AppliedIndex;
        return () =>
        {
            var bytes = serialize();
            snapshotted(index, bytes);
            return bytes;
        };
    }

    public void Restore(ReadOnlyMemory<byte> snapshot)
    {
        var machine = new StateMachine(options);
        if (!snapshot.IsEmpty && !machine.TryRestore(snapshot.Span, out var error))
        {
            throw new InvalidOperationException($"the state-machine snapshot cannot be restored: {error}");
        }

        State = machine;
        watches.Reset(machine);
        restored(machine);
    }
}
