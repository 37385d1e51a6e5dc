using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>
/// The module's snapshot: compaction point, keys in key order, leases in id order, history in revision order. The
/// lease→keys sets and the expiry index are rebuilt on restore, not stored.
/// </summary>
public sealed partial class KvModule
{
    /// <inheritdoc/>
    /// <remarks>
    /// Keys, values and events are immutable records, so the capture copies references only (leases, whose deadline
    /// moves, by value); the sorting that gives key order happens in the writer, off the apply thread.
    /// </remarks>
    public Action<StateWriter> CaptureSnapshot()
    {
        var compactRevision = _history.CompactRevision;
        var keyValues = new KeyValue[_data.Count];
        _data.Values.CopyTo(keyValues, 0);
        var leases = _leases.Values.Select(l => (l.Id, l.TtlMs, l.DeadlineMs)).ToArray();
        var history = _history.Events.ToArray();
        return writer =>
        {
            ArgumentNullException.ThrowIfNull(writer);
            Array.Sort(keyValues, static (a, b) => ByteKeyComparer.Instance.Compare(a.Key, b.Key));
            writer.WriteVarUInt64(compactRevision);
            writer.WriteVarUInt64((ulong)keyValues.Length);
            foreach (var kv in keyValues)
            {
                KvCodec.WriteKeyValue(writer, kv);
            }
            writer.WriteVarUInt64((ulong)leases.Length);
            foreach (var (id, ttlMs, deadlineMs) in leases)
            {
                writer.WriteVarUInt64(id);
                writer.WriteVarUInt64(ttlMs);
                writer.WriteVarUInt64(deadlineMs);
            }
            writer.WriteVarUInt64((ulong)history.Length);
            foreach (var change in history)
            {
                KvCodec.WriteEvent(writer, change);
            }
        };
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
