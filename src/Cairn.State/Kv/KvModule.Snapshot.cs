using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>
/// The module's snapshot: compaction point, keys in key order, leases in id order, history in revision order. The
/// lease→keys sets and the expiry index are rebuilt on restore, not stored.
/// </summary>
public sealed partial class KvModule
{
    /// <inheritdoc/>
    public void WriteSnapshot(StateWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteVarUInt64(_history.CompactRevision);
        writer.WriteVarUInt64((ulong)_keys.Count);
        foreach (var key in _keys)
        {
            KvCodec.WriteKeyValue(writer, _data[key]);
        }
        writer.WriteVarUInt64((ulong)_leases.Count);
        foreach (var lease in _leases.Values)
        {
            writer.WriteVarUInt64(lease.Id);
            writer.WriteVarUInt64(lease.TtlMs);
            writer.WriteVarUInt64(lease.DeadlineMs);
        }
        writer.WriteVarUInt64((ulong)_history.Count);
        foreach (var change in _history.Events)
        {
            KvCodec.WriteEvent(writer, change);
        }
    }

    /// <inheritdoc/>
    public bool TryRestore(ref StateReader reader)
    {
        if (!reader.TryReadVarUInt64(out var compactRevision) || !reader.TryReadCount(reader.RemainingBytes, out var keyCount))
        {
            return false;
        }
        var kvs = new KeyValue[keyCount];
        for (var i = 0; i < keyCount; i++)
        {
            if (!KvCodec.TryReadKeyValue(ref reader, out var kv) || (i > 0 && ByteKeyComparer.Instance.Compare(kvs[i - 1].Key, kv.Key) >= 0))
            {
                return false;
            }
            kvs[i] = kv;
        }
        return TryRestoreLeases(ref reader) && TryRestoreKeys(kvs) && TryRestoreHistory(ref reader, compactRevision);
    }

    private bool TryRestoreLeases(ref StateReader reader)
    {
        if (!reader.TryReadCount(reader.RemainingBytes, out var count))
        {
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadVarUInt64(out var id) || !reader.TryReadVarUInt64(out var ttl) || !reader.TryReadVarUInt64(out var deadline)
                || id == 0 || !_leases.TryAdd(id, new Lease(id, ttl, deadline)))
            {
                return false;
            }
            _expiry.Add((deadline, id));
        }
        return true;
    }

    private bool TryRestoreKeys(KeyValue[] kvs)
    {
        foreach (var kv in kvs)
        {
            if (kv.LeaseId != 0 && !_leases.ContainsKey(kv.LeaseId))
            {
                return false;
            }
            Store(kv);
            Attach(kv);
        }
        return true;
    }

    private bool TryRestoreHistory(ref StateReader reader, ulong compactRevision)
    {
        if (!reader.TryReadCount(reader.RemainingBytes, out var count))
        {
            return false;
        }
        var events = new WatchEvent[count];
        for (var i = 0; i < count; i++)
        {
            if (!KvCodec.TryReadEvent(ref reader, out var change) || change.Revision < compactRevision
                || (i > 0 && change.Revision < events[i - 1].Revision))
            {
                return false;
            }
            events[i] = change;
        }
        _history.Restore(compactRevision, events);
        return true;
    }
}
