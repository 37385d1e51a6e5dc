namespace Cairn.Raft;

/// <summary>
/// The durable log as the core reads it. The core never writes through this interface: the host persists what
/// each <see cref="Ready"/> asks for and then calls <see cref="RaftNode.Advance"/>. Implementations are called
/// from the node's single thread only.
/// </summary>
public interface IRaftLogReader
{
    /// <summary>The hard state persisted last.</summary>
    HardState HardState { get; }

    /// <summary>The newest snapshot persisted (<see cref="Snapshot.Empty"/> when none).</summary>
    Snapshot Snapshot { get; }

    /// <summary>The first index whose entry is still available: the snapshot's index plus one.</summary>
    LogIndex FirstIndex { get; }

    /// <summary>The index of the last persisted entry (the snapshot's index when the log after it is empty).</summary>
    LogIndex LastIndex { get; }

    /// <summary>
    /// The term of the entry at <paramref name="index"/>; for the snapshot's own index, the snapshot's term.
    /// False when the index is compacted away or beyond the last entry.
    /// </summary>
    bool TryGetTerm(LogIndex index, out Term term);

    /// <summary>
    /// Appends the entries in [<paramref name="from"/>, <paramref name="to"/>) to <paramref name="into"/>, stopping once
    /// <paramref name="maxBytes"/> is exceeded but always returning at least one entry. The range must lie within
    /// [<see cref="FirstIndex"/>, <see cref="LastIndex"/>].
    /// </summary>
    void ReadEntries(LogIndex from, LogIndex to, long maxBytes, List<Entry> into);
}
