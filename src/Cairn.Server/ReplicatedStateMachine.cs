using Cairn.Node;
using Cairn.Raft;
using Cairn.State;
using Cairn.State.Watch;

namespace Cairn.Server;

/// <summary>
/// Cairn's state machine (<see cref="StateMachine"/>) as the node runtime drives it: every committed entry goes through
/// <see cref="StateMachine.Apply"/> (membership entries and no-ops as empty commands, so indexes stay in step), and the
/// change events go to the watch hub. Called on the node's event loop only.
/// </summary>
public sealed class ReplicatedStateMachine(StateMachine machine, WatchHub watches) : IStateMachine
{
    /// <summary>The state, for reads on the event loop.</summary>
    public StateMachine Machine { get; private set; } = machine;

    /// <inheritdoc/>
    public object? Apply(Entry entry)
    {
        var command = entry.Kind == EntryKind.Command ? entry.Data.Span : ReadOnlySpan<byte>.Empty;
        var result = Machine.Apply(entry.Index.Value, command);
        watches.Publish(result);
        return result.Response;
    }

    /// <inheritdoc/>
    public byte[] Snapshot() => Machine.Snapshot();

    /// <inheritdoc/>
    public void Restore(ReadOnlyMemory<byte> snapshot)
    {
        var restored = new StateMachine();
        if (!snapshot.IsEmpty && !restored.TryRestore(snapshot.Span, out var error))
        {
            throw new InvalidDataException($"the state-machine snapshot cannot be restored: {error}");
        }

        Machine = restored;
        watches.Reset(restored);
    }
}
