using System.Buffers;

namespace Cairn.Raft;

/// <summary>
/// The log as the core sees it: the durable part (read through <see cref="IRaftLogReader"/>) followed by the unstable
/// part that has been appended in memory but not yet persisted by the host. Invariant:
/// <c>Applied ≤ Committed ≤ LastIndex</c>.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftLogReader _storage;
    private readonly List<Entry> _unstable = [];
    private readonly List<Entry> _scratch = [];

    // Index of _unstable[0] (or where it would be); entries below it come from storage.
    private LogIndex _unstableOffset;

    public RaftLog(IRaftLogReader storage)
    {
        _storage = storage;
        _unstableOffset = storage.LastIndex.Next;
        Committed = storage.HardState.Commit;
        Applied = storage.Snapshot.Metadata.Index;
        Applying = Applied;
        RaftAssert.That(Committed >= Applied || Committed == LogIndex.Zero, "persisted commit index is behind the snapshot");
        Committed = LogIndex.Max(Committed, Applied);
    }

    /// <summary>A snapshot received from the leader and not yet persisted by the host.</summary>
    public Snapshot? UnstableSnapshot { get; private set; }

    public LogIndex Committed { get; private set; }

    /// <summary>The last index the host has applied and acknowledged.</summary>
    public LogIndex Applied { get; private set; }

    /// <summary>The last index handed to the host for applying (at least <see cref="Applied"/>).</summary>
    public LogIndex Applying { get; private set; }

    public LogIndex FirstIndex => UnstableSnapshot is { } s ? s.Metadata.Index.Next : _storage.FirstIndex;

    public LogIndex LastIndex => _unstable.Count > 0
        ? _unstableOffset.Plus((ulong)_unstable.Count - 1)
        : UnstableSnapshot?.Metadata.Index ?? _storage.LastIndex;

    public Term LastTerm => TermAt(LastIndex);

    public int UnstableCount => _unstable.Count;

    /// <summary>The newest persisted snapshot, as sent to followers that are too far behind.</summary>
    public Snapshot StorageSnapshot => _storage.Snapshot;

    public bool TryGetTerm(LogIndex index, out Term term)
    {
        if (index >= _unstableOffset && index.Value - _unstableOffset.Value < (ulong)_unstable.Count)
        {
            term = _unstable[(int)(index.Value - _unstableOffset.Value)].Term;
            return true;
        }

        if (UnstableSnapshot is { } snapshot)
        {
            // Until it is persisted, the received snapshot replaces everything in storage.
            term = index == snapshot.Metadata.Index ? snapshot.Metadata.Term : Term.Zero;
            return index == snapshot.Metadata.Index;
        }

        if (index == LogIndex.Zero)
        {
            term = Term.Zero;
            return true;
        }

        if (index >= _unstableOffset)
        {
            term = Term.Zero;
            return false;
        }

        return _storage.TryGetTerm(index, out term);
    }

    /// <summary>The term at <paramref name="index"/>, or zero when the entry is not available.</summary>
    public Term TermAt(LogIndex index) => TryGetTerm(index, out var term) ? term : Term.Zero;

    public bool MatchTerm(LogIndex index, Term term) => TryGetTerm(index, out var actual) && actual == term;

    /// <summary>Raft §5.4.1: a log is at least as up to date if its last term is higher, or equal with an index at least as high.</summary>
    public bool IsUpToDate(LogIndex lastIndex, Term lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>Appends entries that follow on from, or overwrite part of, the log. Never touches committed entries.</summary>
    public void Append(IReadOnlyList<Entry> entries, int from = 0)
    {
        if (from >= entries.Count)
        {
            return;
        }

        var first = entries[from].Index;
        RaftAssert.That(first > Committed, $"append at {first} would overwrite committed entries up to {Committed}");
        RaftAssert.That(first <= LastIndex.Next, "append would leave a gap");
        var end = _unstableOffset.Plus((ulong)_unstable.Count);
        if (first <= _unstableOffset)
        {
            // Replaces all unstable entries and the persisted ones from `first` on (the host truncates on persist).
            _unstable.Clear();
            _unstableOffset = first;
        }
        else if (first < end)
        {
            _unstable.RemoveRange((int)(first.Value - _unstableOffset.Value), (int)end.CountFrom(first));
        }

        for (var i = from; i < entries.Count; i++)
        {
            _unstable.Add(entries[i]);
        }
    }

    /// <summary>Appends one entry at the end of the log (the leader's path: no conflicts, no allocation).</summary>
    public void AppendOne(Entry entry)
    {
        RaftAssert.That(entry.Index == LastIndex.Next, "leader append must extend the log by one");
        if (_unstable.Count == 0)
        {
            _unstableOffset = entry.Index;
        }

        _unstable.Add(entry);
    }

    /// <summary>
    /// The follower side of AppendEntries (paper §5.3): when the entry before <paramref name="entries"/> matches,
    /// appends the entries that are new or conflicting, advances the commit index, and returns the last index the
    /// message covers; otherwise returns null.
    /// </summary>
    public LogIndex? TryAppend(LogIndex previousIndex, Term previousTerm, LogIndex leaderCommit, IReadOnlyList<Entry> entries)
    {
        if (!MatchTerm(previousIndex, previousTerm))
        {
            return null;
        }

        var lastNew = previousIndex.Plus((ulong)entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!MatchTerm(entries[i].Index, entries[i].Term))
            {
                Append(entries, i);
                break;
            }
        }

        CommitTo(LogIndex.Min(leaderCommit, lastNew));
        return lastNew;
    }

    /// <summary>
    /// The largest index at or below <paramref name="index"/> whose term is at most <paramref name="term"/> (or the
    /// first unavailable index): where a follower and a leader can still agree. Used by both sides of the fast
    /// back-off so a conflict costs one round trip per term rather than one per entry (thesis §5.3's optimization).
    /// </summary>
    public LogIndex FindConflictByTerm(LogIndex index, Term term)
    {
        for (var i = LogIndex.Min(index, LastIndex); i > LogIndex.Zero; i = i.Previous)
        {
            if (!TryGetTerm(i, out var t) || t <= term)
            {
                return i;
            }
        }

        return LogIndex.Zero;
    }

    public void CommitTo(LogIndex index)
    {
        if (index > Committed)
        {
            RaftAssert.That(index <= LastIndex, $"commit {index} beyond last index {LastIndex}");
            Committed = index;
        }
    }

    /// <summary>The entries in [from, to), fetched from storage and the unstable part, capped by bytes (at least one).</summary>
    public Entry[] Slice(LogIndex from, LogIndex to, long maxBytes)
    {
        FillScratch(from, to, maxBytes);
        return [.. _scratch];
    }

    private void FillScratch(LogIndex from, LogIndex to, long maxBytes)
    {
        RaftAssert.That(from >= FirstIndex && to <= LastIndex.Next && from <= to, "slice out of range");
        _scratch.Clear();
        if (from < _unstableOffset)
        {
            _storage.ReadEntries(from, LogIndex.Min(to, _unstableOffset), maxBytes, _scratch);
        }

        long bytes = 0;
        foreach (var entry in _scratch)
        {
            bytes += entry.SizeBytes;
        }

        var next = from.Plus((ulong)_scratch.Count);
        while (next < to && next >= _unstableOffset)
        {
            var entry = _unstable[(int)(next.Value - _unstableOffset.Value)];
            bytes += entry.SizeBytes;
            if (_scratch.Count > 0 && bytes > maxBytes)
            {
                break;
            }

            _scratch.Add(entry);
            next = next.Next;
        }
    }

    /// <summary>
    /// The unstable entries, for the host to persist, in an array rented from the shared pool: the ready that carries
    /// it gives it back at <see cref="RaftNode.Advance"/>, so batches of entries cost no allocation.
    /// </summary>
    public ArraySegment<Entry> UnstableEntries() => Rent(_unstable);

    /// <summary>
    /// Committed entries not yet handed out for applying (none while a snapshot waits to be persisted), in a rented
    /// array like <see cref="UnstableEntries"/>.
    /// </summary>
    public ArraySegment<Entry> NextCommittedEntries(long maxBytes)
    {
        if (UnstableSnapshot is not null || Committed <= Applying)
        {
            return ArraySegment<Entry>.Empty;
        }

        FillScratch(Applying.Next, Committed.Next, maxBytes);
        Applying = _scratch[^1].Index;
        return Rent(_scratch);
    }

    /// <summary>Gives back an array handed out by <see cref="UnstableEntries"/> or <see cref="NextCommittedEntries"/>.</summary>
    public static void Return(IReadOnlyList<Entry> entries)
    {
        if (entries is ArraySegment<Entry> { Array: { Length: > 0 } array })
        {
            // Cleared, so the pool does not keep payloads alive.
            ArrayPool<Entry>.Shared.Return(array, clearArray: true);
        }
    }

    private static ArraySegment<Entry> Rent(List<Entry> entries)
    {
        if (entries.Count == 0)
        {
            return ArraySegment<Entry>.Empty;
        }

        var array = ArrayPool<Entry>.Shared.Rent(entries.Count);
        entries.CopyTo(array);
        return new ArraySegment<Entry>(array, 0, entries.Count);
    }

    /// <summary>The host persisted everything up to <paramref name="index"/>, whose term was <paramref name="term"/>.</summary>
    public void StableTo(LogIndex index, Term term)
    {
        // If the entry was replaced after the ready was taken, the newer version is still unstable: keep it.
        if (index >= _unstableOffset && MatchTerm(index, term))
        {
            _unstable.RemoveRange(0, (int)index.Next.CountFrom(_unstableOffset));
            _unstableOffset = index.Next;
        }
    }

    public void SnapshotStable(LogIndex index)
    {
        if (UnstableSnapshot?.Metadata.Index == index)
        {
            UnstableSnapshot = null;
        }
    }

    public void AppliedTo(LogIndex index)
    {
        RaftAssert.That(index <= Committed && index >= Applied, $"applied {index} outside [{Applied}, {Committed}]");
        Applied = index;
        Applying = LogIndex.Max(Applying, index);
    }

    /// <summary>Replaces the whole log by a snapshot received from the leader.</summary>
    public void Restore(Snapshot snapshot)
    {
        var index = snapshot.Metadata.Index;
        RaftAssert.That(index > Committed, "restoring a snapshot that is not newer than the commit index");
        _unstable.Clear();
        _unstableOffset = index.Next;
        UnstableSnapshot = snapshot;
        Committed = index;
        Applying = index;
    }
}
