using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// The in-memory index of the log: snapshot position, hard state and one <see cref="EntrySlot"/> per live entry.
/// Recovery replays records into it and the write path applies each record after its sync, through the same
/// methods, so what a restart rebuilds is by construction what was there before. The Try methods return false
/// where the record would contradict the log (a gap, a rewrite under the snapshot); live writes check first.
/// Two snapshot positions are kept: <see cref="SnapshotIndex"/>, the snapshot the log is served after, and
/// <see cref="RecordedIndex"/>, the newest snapshot the WAL records. They differ only after recovery fell back to
/// an older snapshot because the newest file was damaged; entries up to <see cref="RecordedIndex"/> are then still
/// live (replayed on top of the older snapshot) but can never be rewritten, as the WAL forbids it on replay.
/// </summary>
internal sealed class LogTable
{
    // _slots[0] is the entry at _offset. Normally _offset is SnapshotIndex + 1; during replay of a log whose
    // oldest segments were deleted it may be higher, and the entries in between must end up covered by a
    // snapshot before replay ends (HasMissingEntries).
    private readonly List<EntrySlot> _slots = [];
    private LogIndex _offset = new(1);

    public HardState HardState { get; set; }

    public LogIndex SnapshotIndex { get; private set; }

    public Term SnapshotTerm { get; private set; }

    /// <summary>The newest snapshot installed from a leader since replay began (zero if none): no fallback goes below it.</summary>
    public LogIndex InstalledIndex { get; private set; }

    /// <summary>The newest snapshot index the WAL records (at least <see cref="SnapshotIndex"/>).</summary>
    public LogIndex RecordedIndex { get; private set; }

    /// <summary>The term of <see cref="RecordedIndex"/>.</summary>
    public Term RecordedTerm { get; private set; }

    public LogIndex Offset => _offset;

    public LogIndex LastIndex => new(_offset.Value + (ulong)_slots.Count - 1);

    public bool HasMissingEntries => _offset.Value > SnapshotIndex.Value + 1;

    public EntrySlot this[LogIndex index] => _slots[(int)(index.Value - _offset.Value)];

    public bool Contains(LogIndex index) => index >= _offset && index <= LastIndex;

    /// <summary>Starts replay from the oldest surviving segment; entries up to its last index live in deleted segments.</summary>
    public void Start(SegmentStart start)
    {
        HardState = start.HardState;
        SnapshotIndex = start.SnapshotIndex;
        SnapshotTerm = start.SnapshotTerm;
        RecordedIndex = start.SnapshotIndex;
        RecordedTerm = start.SnapshotTerm;
        _slots.Clear();
        _offset = start.LastIndex.Next;
    }

    /// <summary>A received snapshot replaces the whole log: anything held is either covered by it or conflicting.</summary>
    public void Install(LogIndex index, Term term)
    {
        SnapshotIndex = index;
        SnapshotTerm = term;
        RecordedIndex = index;
        RecordedTerm = term;
        InstalledIndex = index;
        _slots.Clear();
        _offset = index.Next;
    }

    /// <summary>True when entries starting at <paramref name="first"/> may be appended.</summary>
    public bool CanAppend(LogIndex first) => first > RecordedIndex && first <= LastIndex.Next;

    /// <summary>Discards entries from the first new index on and appends; false (and no change) on a gap.</summary>
    public bool TryAppend(LogIndex first, List<EntrySlot> slots)
    {
        if (!CanAppend(first))
        {
            return false;
        }

        if (first < _offset)
        {
            _slots.Clear();
            _offset = first;
        }
        else
        {
            _slots.RemoveRange((int)(first.Value - _offset.Value), (int)LastIndex.Next.CountFrom(first));
        }

        _slots.AddRange(slots);
        return true;
    }

    /// <summary>
    /// True when a live snapshot at <paramref name="index"/> may be taken: after the current one, within the log, and
    /// not before the recorded one (after a fallback, retaking the recorded index is how the damaged file is replaced).
    /// </summary>
    public bool CanSaveSnapshot(LogIndex index) => index > SnapshotIndex && index >= RecordedIndex && index <= LastIndex;

    /// <summary>
    /// Records a snapshot and, when <paramref name="load"/>, serves the log after it (dropping the entries it covers);
    /// false (and no change) when out of range. Replay also accepts the recorded snapshot again with the same term:
    /// that is the record of a snapshot retaken after a fallback. With <paramref name="load"/> false only
    /// <see cref="RecordedIndex"/> moves: recovery falling back to an older snapshot replays newer ones that way.
    /// </summary>
    public bool TrySaveSnapshot(LogIndex index, Term term, bool load = true)
    {
        var retaken = index == RecordedIndex && term == RecordedTerm && index >= SnapshotIndex;
        if (!(retaken || index > RecordedIndex) || index > LastIndex)
        {
            return false;
        }

        RecordedIndex = index;
        RecordedTerm = term;
        if (!load)
        {
            return true;
        }

        if (index >= _offset)
        {
            _slots.RemoveRange(0, (int)index.Next.CountFrom(_offset));
            _offset = index.Next;
        }

        SnapshotIndex = index;
        SnapshotTerm = term;
        return true;
    }
}
