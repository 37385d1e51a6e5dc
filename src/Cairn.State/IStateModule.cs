using Cairn.State.Codec;

namespace Cairn.State;

/// <summary>
/// One feature of the replicated state machine (KV now; registry, events, queues and sagas later), behind the
/// <see cref="StateMachine"/> dispatcher. Every method runs on the apply thread and must be deterministic: the same
/// calls in the same order leave every replica's module in the same state, and produce the same snapshot bytes.
/// A module never throws for bad input; it answers with an <see cref="ErrorResponse"/> and changes nothing.
/// </summary>
public interface IStateModule
{
    /// <summary>The module byte that routes commands here.</summary>
    ModuleId Id { get; }

    /// <summary>Whether <paramref name="operation"/> is one of this module's operation codes.</summary>
    bool HasOperation(byte operation);

    /// <summary>Decodes a command body; false when the bytes are short, impossible or the operation is unknown.</summary>
    /// <param name="operation">The operation byte of the envelope.</param>
    /// <param name="reader">Positioned at the body; the dispatcher checks that nothing is left after it.</param>
    /// <param name="command">The command.</param>
    bool TryReadCommand(byte operation, ref StateReader reader, out StateCommand? command);

    /// <summary>Applies a decoded command of this module, all or nothing.</summary>
    StateResponse Apply(StateCommand command, ApplyContext context);

    /// <summary>Acts on deadlines that passed now that committed time is <see cref="ApplyContext.CommittedTimeMs"/>,
    /// doing at most a bounded amount of work.</summary>
    /// <param name="context">The apply context (committed time, revisions, events).</param>
    /// <param name="more">Set when more work is already due than one command may do.</param>
    /// <returns>How many items expired.</returns>
    ulong OnTimeAdvanced(ApplyContext context, out bool more);

    /// <summary>A new leader took charge of time: move every deadline <paramref name="graceMs"/> later.</summary>
    void OnLeaderPromoted(ulong graceMs);

    /// <summary>
    /// Freezes the module's whole state, cheaply (a copy of references, no serialization), and returns the writer of
    /// that frozen state. The writer may run later on any thread while apply goes on; it writes deterministically
    /// (sorted, no hash order), so the same state always gives the same bytes.
    /// </summary>
    Action<StateWriter> CaptureSnapshot();

    /// <summary>Loads a snapshot written by the writer from <see cref="CaptureSnapshot"/> into this fresh instance.</summary>
    /// <returns>False if the bytes are malformed or inconsistent; the instance is then discarded.</returns>
    bool TryRestore(ref StateReader reader);
}
