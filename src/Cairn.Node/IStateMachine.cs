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

    /// <summary>Serializes the whole state as of the last applied entry.</summary>
    byte[] Snapshot();

    /// <summary>Replaces the whole state by a snapshot taken with <see cref="Snapshot"/> (empty: the initial state).</summary>
    void Restore(ReadOnlyMemory<byte> snapshot);
}
