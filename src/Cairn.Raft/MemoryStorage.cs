namespace Cairn.Raft;

/// <summary>
/// Storage kept in memory: for tests and benchmarks, and as the simulator's disk (whose "durable" contents are
/// exactly what was persisted through it, so it survives a simulated crash). Not thread-safe.
/// </summary>
public sealed class MemoryStorage : IRaftStorage
{
    // _entries[0] is the first entry after the snapshot; _offset is that entry's index.
    private readonly List<Entry> _entries = [];
    private LogIndex _offset = new(1);

    /// <inheritdoc/>
    public HardState HardState { get; private set; }

    /// <inheritdoc/>
    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    /// <inheritdoc/>
    public LogIndex FirstIndex => _offset;

    /// <inheritdoc/>
    public LogIndex LastIndex => new(_offset.Value + (ulong)_entries.Count - 1);

    /// <summary>How many times <see cref="Persist"/> ran: the number of syncs a real disk would have done.</summary>
    public long PersistCount { get; private set; }

    /// <inheritdoc/>
    public bool TryGetTerm(LogIndex index, out Term term)
    {
        if (index == Snapshot.Metadata.Index)
        {
            term = Snapshot.Metadata.Term;
            return true;
        }

        if (index < _offset || index > LastIndex)
        {
            term = Term.Zero;
            return false;
        }

        term = _entries[(int)(index.Value - _offset.Value)].Term;
        return true;
    }

    /// <inheritdoc/>
    public void ReadEntries(LogIndex from, LogIndex to, long maxBytes, List<Entry> into)
    {
        RaftAssert.That(from >= _offset && to <= LastIndex.Next && from <= to, "storage read out of range");
        long bytes = 0;
        for (var i = from; i < to; i = i.Next)
        {
            var entry = _entries[(int)(i.Value - _offset.Value)];
            bytes += entry.SizeBytes;
            if (i > from && bytes > maxBytes)
            {
                break;
            }

            into.Add(entry);
        }
    }

    /// <inheritdoc/>
    public void Persist(HardState? hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot)
    {
        if (snapshot is not null)
        {
            InstallSnapshot(snapshot);
        }

        if (entries.Count > 0)
        {
            Append(entries);
        }

        if (hardState is { } hs)
        {
            HardState = hs;
        }

        PersistCount++;
    }

    /// <inheritdoc/>
    /// <remarks>Nothing to do: <see cref="SaveSnapshot"/> keeps the data in memory.</remarks>
    public void StageSnapshot(SnapshotMetadata metadata, ReadOnlyMemory<byte> data)
    {
    }

    /// <inheritdoc/>
    public void SaveSnapshot(LogIndex index, Membership membership, ReadOnlyMemory<byte> data)
    {
        RaftAssert.That(index > Snapshot.Metadata.Index && index <= LastIndex, "snapshot index must be new and in the log");
        TryGetTerm(index, out var term);
        var drop = (int)index.CountFrom(_offset.Previous);
        _entries.RemoveRange(0, drop);
        _offset = index.Next;
        Snapshot = new Snapshot(new SnapshotMetadata(index, term, membership), data);
    }

    private void InstallSnapshot(Snapshot snapshot)
    {
        // A received snapshot replaces the whole log: anything we hold is either covered by it or conflicting.
        _entries.Clear();
        _offset = snapshot.Metadata.Index.Next;
        Snapshot = snapshot;
    }

    private void Append(IReadOnlyList<Entry> entries)
    {
        var first = entries[0].Index;
        RaftAssert.That(first >= _offset && first <= LastIndex.Next, "append would leave a gap or rewrite the snapshot");
        _entries.RemoveRange((int)(first.Value - _offset.Value), (int)LastIndex.Next.CountFrom(first));
        for (var i = 0; i < entries.Count; i++)
        {
            _entries.Add(entries[i]);
        }
    }
}
