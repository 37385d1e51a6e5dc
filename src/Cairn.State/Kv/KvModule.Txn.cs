namespace Cairn.State.Kv;

/// <summary>Transactions: validation first (nothing changes on an error), then compares, then the chosen branch.</summary>
public sealed partial class KvModule
{
    /// <param name="txn">The transaction.</param>
    /// <param name="context">The apply context.</param>
    /// <param name="single">Whether this is a put, range or delete sent alone: its errors then name the bare field
    /// ("key") rather than its place in a branch ("success[0].key").</param>
    private StateResponse ApplyTxn(KvTxnCommand txn, ApplyContext context, bool single)
    {
        var error = ValidateTxn(txn, single);
        if (error is not null)
        {
            return error;
        }
        var succeeded = txn.Compares.All(Holds);
        var ops = succeeded ? txn.Success : txn.Failure;
        error = CheckLeases(ops, single ? null : succeeded ? "success" : "failure");
        if (error is not null)
        {
            return error;
        }
        var revision = 0UL;
        var responses = new KvOpResponse[ops.Count];
        for (var i = 0; i < ops.Count; i++)
        {
            responses[i] = ops[i] switch
            {
                KvPutCommand put => Put(put, ref revision, context),
                KvDeleteCommand delete => Delete(delete, ref revision, context),
                KvRangeCommand range => Range(range),
                _ => throw new InvalidOperationException("unreachable: the decoder only builds put, range and delete"),
            };
        }
        return new KvTxnResponse(context.Revision, succeeded, responses);
    }

    private static ErrorResponse? ValidateTxn(KvTxnCommand txn, bool single)
    {
        if (txn.Compares.Count > KvLimits.MaxOpsPerTxn)
        {
            return TooMany("compares", txn.Compares.Count);
        }
        for (var i = 0; i < txn.Compares.Count; i++)
        {
            var error = ValidateKey(txn.Compares[i].Key, $"compares[{i}].key", allowEmpty: false);
            if (error is not null)
            {
                return error;
            }
            if (txn.Compares[i].Value.Length > KvLimits.MaxValueBytes)
            {
                return new ErrorResponse(StateStatus.TooLarge, $"compares[{i}].value is {txn.Compares[i].Value.Length} bytes; the limit is {KvLimits.MaxValueBytes}");
            }
        }
        return ValidateBranch(txn.Success, single ? null : "success") ?? ValidateBranch(txn.Failure, "failure");
    }

    private static ErrorResponse TooMany(string field, int count) =>
        new(StateStatus.TooLarge, $"{field} has {count} entries; the limit is {KvLimits.MaxOpsPerTxn}");

    /// <summary>Validates one branch; a null <paramref name="branch"/> means a single operation.</summary>
    private static ErrorResponse? ValidateBranch(IReadOnlyList<KvRequestOp> ops, string? branch)
    {
        if (ops.Count > KvLimits.MaxOpsPerTxn)
        {
            return TooMany(branch ?? "operations", ops.Count);
        }
        for (var i = 0; i < ops.Count; i++)
        {
            var error = ValidateOp(ops[i], branch is null ? "" : $"{branch}[{i}].") ?? CheckOverlap(ops, i, branch ?? "operations");
            if (error is not null)
            {
                return error;
            }
        }
        return null;
    }

    /// <summary>Validates one operation; <paramref name="path"/> prefixes field names ("" or "success[2].").</summary>
    private static ErrorResponse? ValidateOp(KvRequestOp op, string path) => op switch
    {
        KvPutCommand put => ValidateKey(put.Key, path + "key", allowEmpty: false)
            ?? (put.Value.Length > KvLimits.MaxValueBytes
                ? new ErrorResponse(StateStatus.TooLarge, $"{path}value is {put.Value.Length} bytes; the limit is {KvLimits.MaxValueBytes}")
                : null),
        KvRangeCommand range => ValidateKey(range.Key, path + "key", allowEmpty: range.Prefix),
        KvDeleteCommand delete => ValidateKey(delete.Key, path + "key", allowEmpty: delete.Prefix),
        _ => new ErrorResponse(StateStatus.UnknownOperation, $"{path}operation is not a put, range or delete"),
    };

    private static ErrorResponse? ValidateKey(byte[] key, string field, bool allowEmpty)
    {
        if (key.Length == 0 && !allowEmpty)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, $"{field} is empty");
        }
        return key.Length > KvLimits.MaxKeyBytes
            ? new ErrorResponse(StateStatus.TooLarge, $"{field} is {key.Length} bytes; the limit is {KvLimits.MaxKeyBytes}")
            : null;
    }

    /// <summary>etcd's rule: a key may be written once per branch, so a put may not repeat an earlier put's key or fall
    /// inside an earlier or later delete.</summary>
    private static ErrorResponse? CheckOverlap(IReadOnlyList<KvRequestOp> ops, int index, string branch)
    {
        if (ops[index] is not KvPutCommand put)
        {
            return null;
        }
        for (var j = 0; j < ops.Count; j++)
        {
            var clash = ops[j] switch
            {
                KvPutCommand other => j < index && ByteKeyComparer.Instance.Equals(other.Key, put.Key),
                KvDeleteCommand delete => delete.Prefix ? ByteKeyComparer.HasPrefix(put.Key, delete.Key) : ByteKeyComparer.Instance.Equals(delete.Key, put.Key),
                _ => false,
            };
            if (clash)
            {
                return new ErrorResponse(StateStatus.InvalidArgument, $"{branch}[{index}].key is also written by {branch}[{j}]; a transaction writes each key at most once");
            }
        }
        return null;
    }

    private ErrorResponse? CheckLeases(IReadOnlyList<KvRequestOp> ops, string? branch)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is KvPutCommand { LeaseId: not 0 } put && !_leases.ContainsKey(put.LeaseId))
            {
                var path = branch is null ? "" : $"{branch}[{i}].";
                return new ErrorResponse(StateStatus.LeaseNotFound, $"{path}leaseId {put.LeaseId} is not a live lease");
            }
        }
        return null;
    }

    private bool Holds(KvCompare compare)
    {
        var kv = _data.GetValueOrDefault(compare.Key);
        if (compare.Target == KvCompareTarget.Value)
        {
            // As in etcd, a compare on the value of an absent key is false whatever the operator.
            return kv is not null && Relates(kv.Value.AsSpan().SequenceCompareTo(compare.Value), compare.Operator);
        }
        var current = compare.Target switch
        {
            KvCompareTarget.Version => kv?.Version ?? 0,
            KvCompareTarget.CreateRevision => kv?.CreateRevision ?? 0,
            KvCompareTarget.ModRevision => kv?.ModRevision ?? 0,
            _ => kv is null ? 0UL : 1UL,
        };
        return Relates(current.CompareTo(compare.Number), compare.Operator);
    }

    private static bool Relates(int order, KvCompareOperator op) => op switch
    {
        KvCompareOperator.Equal => order == 0,
        KvCompareOperator.NotEqual => order != 0,
        KvCompareOperator.Less => order < 0,
        _ => order > 0,
    };

    private KvPutResponse Put(KvPutCommand put, ref ulong revision, ApplyContext context)
    {
        if (revision == 0)
        {
            revision = context.AllocateRevision();
        }
        var previous = _data.GetValueOrDefault(put.Key);
        var kv = previous is null
            ? new KeyValue(put.Key, put.Value, revision, revision, 1, put.LeaseId)
            : new KeyValue(previous.Key, put.Value, previous.CreateRevision, revision, previous.Version + 1, put.LeaseId);
        Detach(previous);
        Store(kv);
        Attach(kv);
        Record(new WatchEvent(WatchEventType.Put, kv, previous), context);
        return new KvPutResponse(put.PrevKv ? previous : null);
    }

    private KvDeleteResponse Delete(KvDeleteCommand delete, ref ulong revision, ApplyContext context)
    {
        var victims = Match(delete.Key, delete.Prefix);
        if (victims.Length == 0)
        {
            return new KvDeleteResponse(0, _noKeyValues);
        }
        if (revision == 0)
        {
            revision = context.AllocateRevision();
        }
        DeleteKeys(victims, revision, context);
        return new KvDeleteResponse((ulong)victims.Length, delete.PrevKv ? victims : _noKeyValues);
    }

    private void DeleteKeys(IReadOnlyList<KeyValue> victims, ulong revision, ApplyContext context)
    {
        foreach (var previous in victims)
        {
            Detach(previous);
            Remove(previous.Key);
            Record(new WatchEvent(WatchEventType.Delete, new KeyValue(previous.Key, [], 0, revision, 0, 0), previous), context);
        }
    }

    private KvRangeResponse Range(KvRangeCommand range)
    {
        var limit = range.Limit is 0 or > KvLimits.MaxRangeResults ? KvLimits.MaxRangeResults : (int)range.Limit;
        if (!range.Prefix)
        {
            var found = Match(range.Key, prefix: false);
            return new KvRangeResponse(found, (ulong)found.Length, false);
        }
        var kvs = new List<KeyValue>();
        var count = 0UL;
        foreach (var key in MatchingKeys(range.Key))
        {
            if (kvs.Count < limit)
            {
                kvs.Add(_data[key]);
            }
            count++;
        }
        return new KvRangeResponse(kvs, count, count > (ulong)kvs.Count);
    }
}
