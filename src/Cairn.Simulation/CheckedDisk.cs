using Cairn.Raft;

namespace Cairn.Simulation;

/// <summary>The simulated disk as the runtime sees it: a <see cref="MemoryStorage"/> whose every persist is shown to the checker.</summary>
internal sealed class CheckedDisk(MemoryStorage disk, Action<IReadOnlyList<Entry>> persisted) : IRaftStorage
{
    public HardState HardState => disk.HardState;

    public Snapshot Snapshot => disk.Snapshot;

    public LogIndex FirstIndex => disk.FirstIndex;

    public LogIndex LastIndex => disk.LastIndex;

    public bool TryGetTerm(LogIndex index, out Term term) => disk.TryGetTerm(index, out term);

    public void ReadEntries(LogIndex from, LogIndex to, long maxBytes, List<Entry> into) => disk.ReadEntries(from, to, maxBytes, into);

    public void Persist(HardState? hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot)
    {
        disk.Persist(hardState, entries, snapshot);
        persisted(entries);
    }

    public void SaveSnapshot(LogIndex index, Membership membership, ReadOnlyMemory<byte> data) => disk.SaveSnapshot(index, membership, data);

    public void StageSnapshot(SnapshotMetadata metadata, ReadOnlyMemory<byte> data) => disk.StageSnapshot(metadata, data);
}
