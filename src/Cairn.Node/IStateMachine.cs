using Cairn.Raft;

namespace Cairn.Node;

/// <summary>
/// The replicated state machine as the runtime drives it. Called only from the node's event loop, one call at a time,
/// so implementations need no locking of their own for these calls. <see cref="Apply"/> must be deterministic: the
/// same entries in the same order give the same state and results on every node (no clock, no randomness).
/// </summary>
public interface IStateMachine
{
    /// <summary>Applies one committed entry (commands and the leader's empty no-ops alike) and returns its result for the proposer.</summary>
    object? Apply(Entry entry);

    /// <summary>
    /// Freezes the whole state as of the last applied entry and returns the function that serializes it. Freezing must
    /// be cheap (the loop waits for it); the serializer runs later, possibly on another thread while
    /// <see cref="Apply"/> goes on, so it must not read the live state.
    /// </summary>
    Func<byte[]> CaptureSnapshot();

    /// <summary>Replaces the whole state by a snapshot taken with <see cref="CaptureSnapshot"/> (empty: the initial state).</summary>
    void Restore(ReadOnlyMemory<byte> snapshot);
}
