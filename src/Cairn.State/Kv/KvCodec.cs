using System.Diagnostics.CodeAnalysis;
using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>
/// The KV module's bodies in the binary codec. Readers accept any size that the bytes actually hold (so apply can
/// answer an oversized key with <see cref="StateStatus.TooLarge"/> naming the field) and return false on anything
/// short or impossible.
/// </summary>
internal static class KvCodec
{
    private const byte NoResponse = 0;

    public static void WritePut(StateWriter writer, KvPutCommand put)
    {
        writer.WriteBytes(put.Key);
        writer.WriteBytes(put.Value);
        writer.WriteVarUInt64(put.LeaseId);
        writer.WriteBool(put.PrevKv);
    }

    public static void WriteRange(StateWriter writer, KvRangeCommand range)
    {
        writer.WriteBytes(range.Key);
        writer.WriteBool(range.Prefix);
        writer.WriteVarUInt64(range.Limit);
    }

    public static void WriteDelete(StateWriter writer, KvDeleteCommand delete)
    {
        writer.WriteBytes(delete.Key);
        writer.WriteBool(delete.Prefix);
        writer.WriteBool(delete.PrevKv);
    }

    public static void WriteTxn(StateWriter writer, KvTxnCommand txn)
    {
        writer.WriteVarUInt64((ulong)txn.Compares.Count);
        foreach (var compare in txn.Compares)
        {
            writer.WriteBytes(compare.Key);
            writer.WriteByte((byte)compare.Target);
            writer.WriteByte((byte)compare.Operator);
            writer.WriteVarUInt64(compare.Number);
            writer.WriteBytes(compare.Value);
        }
        WriteOps(writer, txn.Success);
        WriteOps(writer, txn.Failure);
    }

    private static void WriteOps(StateWriter writer, IReadOnlyList<KvRequestOp> ops)
    {
        writer.WriteVarUInt64((ulong)ops.Count);
        foreach (var op in ops)
        {
            writer.WriteByte(op.Operation);
            op.WriteBody(writer);
        }
    }

    /// <summary>Reads a KV command body; false when the bytes are short or impossible (or the operation unknown).</summary>
    public static bool TryReadCommand(KvOperation operation, ref StateReader reader, [NotNullWhen(true)] out StateCommand? command)
    {
        command = null;
        ulong a, b, epoch, now;
        bool flag;
        switch (operation)
        {
            case KvOperation.Put or KvOperation.Range or KvOperation.Delete:
                if (TryReadOp(operation, ref reader, out var op))
                {
                    command = op;
                }
                break;
            case KvOperation.Txn:
                if (TryReadTxn(ref reader, out var txn))
                {
                    command = txn;
                }
                break;
            case KvOperation.Compact:
                if (reader.TryReadVarUInt64(out a))
                {
                    command = new KvCompactCommand(a);
                }
                break;
            case KvOperation.LeaseGrant:
                if (reader.TryReadVarUInt64(out a) && reader.TryReadVarUInt64(out b) && TryReadLeaderStamp(ref reader, out epoch, out now))
                {
                    command = new LeaseGrantCommand(a, b, epoch, now);
                }
                break;
            case KvOperation.LeaseRevoke:
                if (reader.TryReadVarUInt64(out a))
                {
                    command = new LeaseRevokeCommand(a);
                }
                break;
            case KvOperation.LeaseKeepAlive:
                if (reader.TryReadVarUInt64(out a) && TryReadLeaderStamp(ref reader, out epoch, out now))
                {
                    command = new LeaseKeepAliveCommand(a, epoch, now);
                }
                break;
            case KvOperation.LeaseTimeToLive:
                if (reader.TryReadVarUInt64(out a) && reader.TryReadBool(out flag))
                {
                    command = new LeaseTimeToLiveCommand(a, flag);
                }
                break;
            default:
                break;
        }
        return command is not null;
    }

    /// <summary>The proposing leader's stamp that ends a lease grant or keep-alive body: [epoch varint][nowMs varint].</summary>
    private static bool TryReadLeaderStamp(ref StateReader reader, out ulong epoch, out ulong nowMs)
    {
        nowMs = 0;
        return reader.TryReadVarUInt64(out epoch) && reader.TryReadVarUInt64(out nowMs);
    }

    private static bool TryReadOp(KvOperation operation, ref StateReader reader, [NotNullWhen(true)] out KvRequestOp? op)
    {
        op = null;
        if (!reader.TryReadBytes(int.MaxValue, out var key))
        {
            return false;
        }
        switch (operation)
        {
            case KvOperation.Put:
                if (reader.TryReadBytes(int.MaxValue, out var value) && reader.TryReadVarUInt64(out var lease) && reader.TryReadBool(out var prev))
                {
                    op = new KvPutCommand(key, value, lease, prev);
                }
                break;
            case KvOperation.Range:
                if (reader.TryReadBool(out var prefix) && reader.TryReadVarUInt64(out var limit))
                {
                    op = new KvRangeCommand(key, prefix, limit);
                }
                break;
            case KvOperation.Delete:
                if (reader.TryReadBool(out var deletePrefix) && reader.TryReadBool(out var deletePrev))
                {
                    op = new KvDeleteCommand(key, deletePrefix, deletePrev);
                }
                break;
            default:
                break;
        }
        return op is not null;
    }

    private static bool TryReadTxn(ref StateReader reader, [NotNullWhen(true)] out KvTxnCommand? txn)
    {
        txn = null;
        // Every element takes at least one byte, so a count above the remaining bytes is malformed (and never allocated).
        if (!reader.TryReadCount(reader.RemainingBytes, out var compareCount))
        {
            return false;
        }
        var compares = new KvCompare[compareCount];
        for (var i = 0; i < compareCount; i++)
        {
            if (!reader.TryReadBytes(int.MaxValue, out var key) || !reader.TryReadByte(out var target) || target > (byte)KvCompareTarget.Exists
                || !reader.TryReadByte(out var op) || op > (byte)KvCompareOperator.Greater
                || !reader.TryReadVarUInt64(out var number) || !reader.TryReadBytes(int.MaxValue, out var value))
            {
                return false;
            }
            compares[i] = new KvCompare(key, (KvCompareTarget)target, (KvCompareOperator)op, number, value);
        }
        if (!TryReadOps(ref reader, out var success) || !TryReadOps(ref reader, out var failure))
        {
            return false;
        }
        txn = new KvTxnCommand(compares, success, failure);
        return true;
    }

    private static bool TryReadOps(ref StateReader reader, [NotNullWhen(true)] out KvRequestOp[]? ops)
    {
        ops = null;
        if (!reader.TryReadCount(reader.RemainingBytes, out var count))
        {
            return false;
        }
        var result = new KvRequestOp[count];
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadByte(out var code) || code is < (byte)KvOperation.Put or > (byte)KvOperation.Delete
                || !TryReadOp((KvOperation)code, ref reader, out var op))
            {
                return false;
            }
            result[i] = op;
        }
        ops = result;
        return true;
    }

    public static void WriteKeyValue(StateWriter writer, KeyValue kv)
    {
        writer.WriteBytes(kv.Key);
        writer.WriteBytes(kv.Value);
        writer.WriteVarUInt64(kv.CreateRevision);
        writer.WriteVarUInt64(kv.ModRevision);
        writer.WriteVarUInt64(kv.Version);
        writer.WriteVarUInt64(kv.LeaseId);
    }

    public static bool TryReadKeyValue(ref StateReader reader, [NotNullWhen(true)] out KeyValue? kv)
    {
        kv = null;
        if (!reader.TryReadBytes(int.MaxValue, out var key) || !reader.TryReadBytes(int.MaxValue, out var value)
            || !reader.TryReadVarUInt64(out var create) || !reader.TryReadVarUInt64(out var mod)
            || !reader.TryReadVarUInt64(out var version) || !reader.TryReadVarUInt64(out var lease))
        {
            return false;
        }
        kv = new KeyValue(key, value, create, mod, version, lease);
        return true;
    }

    public static void WriteOptionalKeyValue(StateWriter writer, KeyValue? kv)
    {
        writer.WriteBool(kv is not null);
        if (kv is not null)
        {
            WriteKeyValue(writer, kv);
        }
    }

    public static bool TryReadOptionalKeyValue(ref StateReader reader, out KeyValue? kv)
    {
        kv = null;
        if (!reader.TryReadBool(out var present))
        {
            return false;
        }
        return !present || TryReadKeyValue(ref reader, out kv);
    }

    public static void WriteKeyValues(StateWriter writer, IReadOnlyList<KeyValue> kvs)
    {
        writer.WriteVarUInt64((ulong)kvs.Count);
        foreach (var kv in kvs)
        {
            WriteKeyValue(writer, kv);
        }
    }

    public static bool TryReadKeyValues(ref StateReader reader, [NotNullWhen(true)] out KeyValue[]? kvs)
    {
        kvs = null;
        if (!reader.TryReadCount(reader.RemainingBytes, out var count))
        {
            return false;
        }
        var result = new KeyValue[count];
        for (var i = 0; i < count; i++)
        {
            if (!TryReadKeyValue(ref reader, out var kv))
            {
                return false;
            }
            result[i] = kv;
        }
        kvs = result;
        return true;
    }

    public static void WriteEvent(StateWriter writer, WatchEvent e)
    {
        writer.WriteByte((byte)e.Type);
        WriteKeyValue(writer, e.Kv);
        WriteOptionalKeyValue(writer, e.PrevKv);
    }

    public static bool TryReadEvent(ref StateReader reader, [NotNullWhen(true)] out WatchEvent? e)
    {
        e = null;
        if (!reader.TryReadByte(out var type) || type > (byte)WatchEventType.Delete
            || !TryReadKeyValue(ref reader, out var kv) || !TryReadOptionalKeyValue(ref reader, out var prev))
        {
            return false;
        }
        e = new WatchEvent((WatchEventType)type, kv, prev);
        return true;
    }

    public static void WriteTxnResponse(StateWriter writer, KvTxnResponse txn)
    {
        writer.WriteVarUInt64(txn.Revision);
        writer.WriteBool(txn.Succeeded);
        writer.WriteVarUInt64((ulong)txn.Responses.Count);
        foreach (var response in txn.Responses)
        {
            switch (response)
            {
                case KvPutResponse put:
                    writer.WriteByte((byte)KvOperation.Put);
                    WriteOptionalKeyValue(writer, put.PrevKv);
                    break;
                case KvRangeResponse range:
                    writer.WriteByte((byte)KvOperation.Range);
                    WriteKeyValues(writer, range.Kvs);
                    writer.WriteVarUInt64(range.Count);
                    writer.WriteBool(range.More);
                    break;
                case KvDeleteResponse delete:
                    writer.WriteByte((byte)KvOperation.Delete);
                    writer.WriteVarUInt64(delete.Deleted);
                    WriteKeyValues(writer, delete.PrevKvs);
                    break;
                default:
                    writer.WriteByte(NoResponse);
                    break;
            }
        }
    }

    public static bool TryReadTxnResponse(ref StateReader reader, [NotNullWhen(true)] out KvTxnResponse? txn)
    {
        txn = null;
        if (!reader.TryReadVarUInt64(out var revision) || !reader.TryReadBool(out var succeeded)
            || !reader.TryReadCount(reader.RemainingBytes, out var count))
        {
            return false;
        }
        var responses = new KvOpResponse[count];
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadByte(out var code) || !TryReadOpResponse((KvOperation)code, ref reader, out var response))
            {
                return false;
            }
            responses[i] = response;
        }
        txn = new KvTxnResponse(revision, succeeded, responses);
        return true;
    }

    private static bool TryReadOpResponse(KvOperation code, ref StateReader reader, [NotNullWhen(true)] out KvOpResponse? response)
    {
        response = null;
        switch (code)
        {
            case KvOperation.Put:
                if (TryReadOptionalKeyValue(ref reader, out var prev))
                {
                    response = new KvPutResponse(prev);
                }
                break;
            case KvOperation.Range:
                if (TryReadKeyValues(ref reader, out var kvs) && reader.TryReadVarUInt64(out var count) && reader.TryReadBool(out var more))
                {
                    response = new KvRangeResponse(kvs, count, more);
                }
                break;
            case KvOperation.Delete:
                if (reader.TryReadVarUInt64(out var deleted) && TryReadKeyValues(ref reader, out var prevKvs))
                {
                    response = new KvDeleteResponse(deleted, prevKvs);
                }
                break;
            default:
                break;
        }
        return response is not null;
    }
}
