using System.Globalization;
using Cairn.Client.Cluster;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>
/// One instance's view of a semaphore's slot keys <c>{prefix}{0..limit-1}</c>: which are held, since which revision,
/// and when each last changed. A hint for choosing slots to try and for noticing lost permits; the transaction that
/// takes a slot is what decides.
/// </summary>
/// <remarks>Pure and not thread-safe: the owner feeds it a snapshot, then watch events in revision order, under its lock.</remarks>
internal sealed class SlotTable
{
    private readonly string _prefix;

    // Invariant: _holders[i] is the modRevision of slot i's key, 0 when the key is absent; _changedAt[i] is the
    // revision of the last change seen to slot i (for a slot absent from a snapshot: the snapshot's revision).
    private readonly long[] _holders;
    private readonly long[] _changedAt;

    public SlotTable(string prefix, int limit)
    {
        _prefix = prefix;
        _holders = new long[limit];
        _changedAt = new long[limit];
    }

    public int Limit => _holders.Length;

    /// <summary>Whether a snapshot has been applied.</summary>
    public bool IsSynchronized { get; private set; }

    public int FreeCount => _holders.Count(h => h == 0);

    public string KeyOf(int slot) => _prefix + slot.ToString(CultureInfo.InvariantCulture);

    public long HolderRevision(int slot) => _holders[slot];

    public long ChangedAt(int slot) => _changedAt[slot];

    /// <summary>Replaces the view with a snapshot of the slots prefix.</summary>
    public void Reset(RangeResult snapshot)
    {
        Array.Clear(_holders);
        Array.Fill(_changedAt, snapshot.Revision);
        foreach (var kv in snapshot.Kvs)
        {
            if (TryParse(kv.Key, out var slot))
            {
                _holders[slot] = kv.ModRevision;
                _changedAt[slot] = kv.ModRevision;
            }
        }

        IsSynchronized = true;
    }

    /// <summary>Applies a watched change; returns the slot it touched, or -1 for a key that is not a slot of this table.</summary>
    public int Apply(WatchEvent change)
    {
        if (!TryParse(change.Kv.Key, out var slot))
        {
            return -1;
        }

        _holders[slot] = change.Type == WatchEventType.Put ? change.Kv.ModRevision : 0;
        _changedAt[slot] = change.Revision;
        return slot;
    }

    /// <summary>The free slots, in order from <paramref name="start"/> (modulo the limit) so that instances spread over them.</summary>
    public int[] FreeSlots(int start)
    {
        var free = new List<int>();
        for (var i = 0; i < _holders.Length; i++)
        {
            var slot = (start + i) % _holders.Length;
            if (_holders[slot] == 0)
            {
                free.Add(slot);
            }
        }

        return [.. free];
    }

    /// <summary>The slot of <c>{prefix}{n}</c> for a canonical decimal n below the limit.</summary>
    public bool TryParse(string key, out int slot)
    {
        slot = -1;
        var digits = key.AsSpan();
        if (!digits.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return false;
        }

        digits = digits[_prefix.Length..];
        if (digits.IsEmpty || digits.Length > 9 || (digits.Length > 1 && digits[0] == '0') || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var value = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (value >= _holders.Length)
        {
            return false;
        }

        slot = value;
        return true;
    }
}
