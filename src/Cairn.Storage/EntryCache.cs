using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// The payloads of the newest entries, so the core's reads (replication to followers that keep up, apply)
/// never touch the disk. Covers a contiguous range ending at the log's last index; when over budget it drops
/// the oldest quarter at once, so eviction costs amortized constant time per entry.
/// </summary>
internal sealed class EntryCache(long budgetBytes)
{
    private readonly List<ReadOnlyMemory<byte>> _items = [];
    private LogIndex _first = new(1);
    private long _bytes;

    public bool TryGet(LogIndex index, out ReadOnlyMemory<byte> data)
    {
        if (index >= _first && index.Value - _first.Value < (ulong)_items.Count)
        {
            data = _items[(int)(index.Value - _first.Value)];
            return true;
        }

        data = default;
        return false;
    }

    /// <summary>Empties the cache; the next entry appended will be <paramref name="next"/>.</summary>
    public void Reset(LogIndex next)
    {
        _items.Clear();
        _bytes = 0;
        _first = next;
    }

    /// <summary>Discards cached entries from <paramref name="first"/> on, then caches the new ones.</summary>
    public void Append(LogIndex first, IReadOnlyList<Entry> entries)
    {
        if (first < _first || first.Value > _first.Value + (ulong)_items.Count)
        {
            Reset(first);
        }
        else
        {
            var keep = (int)(first.Value - _first.Value);
            for (var i = keep; i < _items.Count; i++)
            {
                _bytes -= _items[i].Length;
            }

            _items.RemoveRange(keep, _items.Count - keep);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            _items.Add(entries[i].Data);
            _bytes += entries[i].Data.Length;
        }

        if (_bytes > budgetBytes)
        {
            EvictDownTo(budgetBytes - (budgetBytes / 4));
        }
    }

    /// <summary>Drops entries up to and including <paramref name="through"/> (covered by a snapshot).</summary>
    public void Compact(LogIndex through)
    {
        if (through < _first)
        {
            return;
        }

        var drop = (int)Math.Min((ulong)_items.Count, through.Next.CountFrom(_first));
        DropOldest(drop);
        _first = through.Next;
    }

    /// <summary>
    /// Fills an empty cache after recovery with the newest entries that fit, read through <paramref name="read"/>,
    /// so the first reads after a restart are served from memory too.
    /// </summary>
    public void Fill(LogIndex firstLive, LogIndex last, Func<LogIndex, int> lengthOf, Func<LogIndex, ReadOnlyMemory<byte>> read)
    {
        var first = last.Next;
        long bytes = 0;
        while (first > firstLive && bytes + lengthOf(first.Previous) <= budgetBytes)
        {
            first = first.Previous;
            bytes += lengthOf(first);
        }

        Reset(first);
        for (var i = first; i <= last; i = i.Next)
        {
            var data = read(i);
            _items.Add(data);
            _bytes += data.Length;
        }
    }

    private void EvictDownTo(long targetBytes)
    {
        var drop = 0;
        var bytes = _bytes;
        while (drop < _items.Count && bytes > targetBytes)
        {
            bytes -= _items[drop].Length;
            drop++;
        }

        DropOldest(drop);
    }

    private void DropOldest(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _bytes -= _items[i].Length;
        }

        _items.RemoveRange(0, count);
        _first = _first.Plus((ulong)count);
    }
}
