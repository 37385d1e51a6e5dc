using Cairn.Node;
using Cairn.Raft;
using Cairn.State;
using Cairn.State.Cluster;
using Cairn.State.Watch;

namespace Cairn.Server;

/// <summary>
/// Cairn's state machine (<see cref="StateMachine"/>) as the node runtime drives it: every committed entry goes through
/// <see cref="StateMachine.Apply"/> so indexes stay in step. A membership entry applies the member-registry command it
/// carries (the new member's addresses in its context, or a <see cref="MemberForgetCommand"/> for a removal), so
/// addresses commit together with the change; no-ops apply as empty commands. Change events go to the watch hub.
/// Called on the node's event loop only.
/// </summary>
public sealed class ReplicatedStateMachine(StateMachine machine, WatchHub watches) : IStateMachine
{
    /// <summary>The state, for reads on the event loop.</summary>
    public StateMachine Machine { get; private set; } = machine;

    /// <summary>The applied index of the latest snapshot restored (at startup or by InstallSnapshot); 0 if none.</summary>
    public ulong RestoredIndex { get; private set; }

    /// <summary>Raised on the event loop when the member registry may have changed (a cluster command or a restore).</summary>
    public event Action? MembersChanged;

    /// <inheritdoc/>
    public object? Apply(Entry entry)
    {
        var command = entry.Kind switch
        {
            EntryKind.Command => entry.Data,
            EntryKind.MembershipChange => RegistryCommandOf(MembershipChange.Decode(entry.Data)),
            _ => ReadOnlyMemory<byte>.Empty,
        };
        var result = Machine.Apply(entry.Index.Value, command.Span);
        watches.Publish(result);
        if (command.Length > 1 && command.Span[1] == (byte)ModuleId.Cluster)
        {
            MembersChanged?.Invoke();
        }

        return result.Response;
    }

    /// <inheritdoc/>
    public Func<byte[]> CaptureSnapshot() => Machine.CaptureSnapshot();

    /// <inheritdoc/>
    public void Restore(ReadOnlyMemory<byte> snapshot)
    {
        var restored = new StateMachine();
        if (!snapshot.IsEmpty && !restored.TryRestore(snapshot.Span, out var error))
        {
            throw new InvalidDataException($"the state-machine snapshot cannot be restored: {error}");
        }

        Machine = restored;
        RestoredIndex = restored.AppliedIndex;
        watches.Reset(restored);
        MembersChanged?.Invoke();
    }

    private static ReadOnlyMemory<byte> RegistryCommandOf(MembershipChange change) => change.Kind switch
    {
        MembershipChangeKind.AddVoter or MembershipChangeKind.AddLearner => change.Context,
        MembershipChangeKind.RemoveNode => StateCodec.EncodeCommand(new MemberForgetCommand(change.Node.Value)),
        _ => ReadOnlyMemory<byte>.Empty,
    };
}
