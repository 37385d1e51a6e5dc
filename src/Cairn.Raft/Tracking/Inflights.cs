namespace Cairn.Raft.Tracking;

/// <summary>
/// The append messages sent to one follower and not yet acknowledged, as a ring of their last indexes, bounded by a
/// message count and a byte count. Acknowledging index i frees every message that ended at or before i.
/// </summary>
internal sealed class Inflights(int maxMessages, long maxBytes)
{
    private readonly ulong[] _lastIndexes = new ulong[maxMessages];
    private readonly long[] _bytes = new long[maxMessages];
    private int _start;

    public int Count { get; private set; }

    public long Bytes { get; private set; }

    public bool IsFull => Count == _lastIndexes.Length || Bytes >= maxBytes;

    public void Add(LogIndex lastIndex, long bytes)
    {
        RaftAssert.That(Count < _lastIndexes.Length, "inflight window overflow");
        var slot = (_start + Count) % _lastIndexes.Length;
        _lastIndexes[slot] = lastIndex.Value;
        _bytes[slot] = bytes;
        Count++;
        Bytes += bytes;
    }

    public void FreeUpTo(LogIndex index)
    {
        while (Count > 0 && _lastIndexes[_start] <= index.Value)
        {
            Bytes -= _bytes[_start];
            _start = (_start + 1) % _lastIndexes.Length;
            Count--;
        }
    }

    public void Reset()
    {
        Count = 0;
        Bytes = 0;
        _start = 0;
    }
}
