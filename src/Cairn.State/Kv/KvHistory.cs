namespace Cairn.State.Kv;

/// <summary>
/// The bounded window of change events that watches may start from. Invariant: it holds every event with a revision at
/// or above <see cref="CompactRevision"/>, in order; whole revisions are dropped from the front, never part of one.
/// </summary>
internal sealed class KvHistory
{
    private readonly Queue<WatchEvent> _events = new();

    // Invariant: the sum of SizeBytes over _events.
    private long _bytes;

    /// <summary>The oldest revision a watch may start from (0 before any compaction).</summary>
    public ulong CompactRevision { get; private set; }

    public int Count => _events.Count;

    public IReadOnlyCollection<WatchEvent> Events => _events;

    /// <summary>The memory an event holds, as counted against the byte bound: its key and values plus a fixed overhead.</summary>
    public static long SizeBytes(WatchEvent change) =>
        64 + change.Kv.Key.Length + change.Kv.Value.Length + (change.PrevKv?.Value.Length ?? 0);

    public void Append(WatchEvent change)
    {
        _events.Enqueue(change);
        _bytes += SizeBytes(change);
    }

    /// <summary>Drops every event below <paramref name="revision"/> and moves the compaction point there.</summary>
    public void Compact(ulong revision)
    {
        while (_events.Count > 0 && _events.Peek().Revision < revision)
        {
            _bytes -= SizeBytes(_events.Dequeue());
        }
        CompactRevision = revision;
    }

    /// <summary>Drops the oldest whole revisions until at most <paramref name="maxEvents"/> events and
    /// <paramref name="maxBytes"/> bytes remain.</summary>
    public void Trim(int maxEvents, long maxBytes)
    {
        while (_events.Count > maxEvents || (_events.Count > 0 && _bytes > maxBytes))
        {
            Compact(_events.Peek().Revision + 1);
        }
    }

    public void Restore(ulong compactRevision, IEnumerable<WatchEvent> events)
    {
        CompactRevision = compactRevision;
        foreach (var change in events)
        {
            Append(change);
        }
    }
}
