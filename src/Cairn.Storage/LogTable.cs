using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// The in-memory index of the log: snapshot position, hard state and one <see cref="EntrySlot"/> per live entry.
/// Recovery replays records into it and the write path applies each record after its sync, through the same
/// methods, so what a restart rebuilds is by construction what was there before. The Try methods return false
/// where the record would contradict the log (a gap, a rewrite under the snapshot); live writes check first.
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
        _slots.Clear();
        _offset = start.LastIndex.Next;
    }

    /// <summary>A received snapshot replaces the whole log: anything held is either covered by it or conflicting.</summary>
    public void Install(LogIndex index, Term term)
    {
        SnapshotIndex = index;
        SnapshotTerm = term;
        _slots.Clear();
        _offset = index.Next;
    }

    /// <summary>True when entries starting at <paramref name="first"/> may be appended.</summary>
    public bool CanAppend(LogIndex first) => first > SnapshotIndex && first <= LastIndex.Next;

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

    /// <summary>True when a snapshot at <paramref name="index"/> may be recorded.</summary>
    public bool CanSaveSnapshot(LogIndex index) => index > SnapshotIndex && index <= LastIndex;

    /// <summary>Records a local snapshot and drops the entries it covers; false (and no change) when out of range.</summary>
    public bool TrySaveSnapshot(LogIndex index, Term term)
    {
        if (!CanSaveSnapshot(index))
        {
            return false;
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
