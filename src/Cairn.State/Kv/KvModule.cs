using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>
/// The key-value store with etcd v3 semantics: keys with create revision, mod revision and version; transactions;
/// leases; a bounded history of change events for watches, compacted explicitly or when it outgrows
/// <see cref="StateMachineOptions.MaxHistoryEvents"/> or <see cref="StateMachineOptions.MaxHistoryBytes"/>. Not thread-safe: the read members are for the apply thread
/// (the host serializes local reads with apply).
/// </summary>
public sealed partial class KvModule : IStateModule
{
    private static readonly KeyValue[] _noKeyValues = [];

    // Invariant: _keys and _data hold the same keys; every key's LeaseId is 0 or a key of _leases.
    private readonly Dictionary<byte[], KeyValue> _data = new(ByteKeyComparer.Instance);
    private readonly SortedSet<byte[]> _keys = new(ByteKeyComparer.Instance);
    private readonly KvHistory _history = new();
    private readonly StateMachineOptions _options;

    internal KvModule(StateMachineOptions options) => _options = options;

    /// <inheritdoc/>
    public ModuleId Id => ModuleId.Kv;

    /// <summary>The number of keys.</summary>
    public int Count => _data.Count;

    /// <summary>The oldest revision a watch may start from (0 before any compaction).</summary>
    public ulong CompactRevision => _history.CompactRevision;

    /// <summary>The retained change events, oldest first: everything from <see cref="CompactRevision"/> on.
    /// Use it to seed a <see cref="Watch.WatchHub"/> after a restore.</summary>
    public IReadOnlyCollection<WatchEvent> History => _history.Events;

    /// <summary>The ids of the live leases, ascending.</summary>
    public IEnumerable<ulong> LeaseIds => _leases.Keys;

    /// <summary>A key's current state, or null if absent.</summary>
    public KeyValue? Get(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _data.GetValueOrDefault(key);
    }

    /// <summary>Every key in key order (for tests and diagnostics; allocates).</summary>
    public IReadOnlyList<KeyValue> All() => [.. _keys.Select(k => _data[k])];

    /// <inheritdoc/>
    public bool HasOperation(byte operation) => Enum.IsDefined((KvOperation)operation);

    /// <inheritdoc/>
    public bool TryReadCommand(byte operation, ref StateReader reader, out StateCommand? command) =>
        KvCodec.TryReadCommand((KvOperation)operation, ref reader, out command);

    /// <inheritdoc/>
    public StateResponse Apply(StateCommand command, ApplyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = ApplyCommand(command, context);
        TrimHistory();
        return response;
    }

    private StateResponse ApplyCommand(StateCommand command, ApplyContext context) =>
        command switch
        {
            KvRequestOp op => ApplyTxn(new KvTxnCommand([], [op], []), context, single: true),
            KvTxnCommand txn => ApplyTxn(txn, context, single: false),
            KvCompactCommand compact => ApplyCompact(compact, context),
            LeaseGrantCommand grant => ApplyGrant(grant, context),
            LeaseRevokeCommand revoke => ApplyRevoke(revoke, context),
            LeaseKeepAliveCommand keepAlive => ApplyKeepAlive(keepAlive, context),
            LeaseTimeToLiveCommand ttl => ApplyTimeToLive(ttl, context),
            _ => new ErrorResponse(StateStatus.UnknownOperation, $"operation {command.Operation} is not a KV operation"),
        };

    private StateResponse ApplyCompact(KvCompactCommand compact, ApplyContext context)
    {
        if (compact.Revision <= _history.CompactRevision)
        {
            return new ErrorResponse(StateStatus.RevisionCompacted, $"revision {compact.Revision} is at or below the compaction point {_history.CompactRevision}");
        }
        if (compact.Revision > context.Revision)
        {
            return new ErrorResponse(StateStatus.FutureRevision, $"revision {compact.Revision} is above the current revision {context.Revision}");
        }
        _history.Compact(compact.Revision);
        return new KvCompactResponse(context.Revision, compact.Revision);
    }

    /// <summary>Records an event in the history and in the command's output.</summary>
    private void Record(WatchEvent change, ApplyContext context)
    {
        _history.Append(change);
        context.Emit(change);
    }

    /// <summary>Compacts whole revisions off the front of the history until it fits its bounds; called once per command,
    /// after all its events, so that a revision is never split.</summary>
    private void TrimHistory() => _history.Trim(_options.MaxHistoryEvents, _options.MaxHistoryBytes);

    private KeyValue[] Match(byte[] key, bool prefix)
    {
        if (!prefix)
        {
            return _data.TryGetValue(key, out var kv) ? [kv] : _noKeyValues;
        }
        return [.. MatchingKeys(key).Select(k => _data[k])];
    }

    /// <summary>The keys with <paramref name="prefix"/>, in key order, through the sorted index (no full scan).</summary>
    private IEnumerable<byte[]> MatchingKeys(byte[] prefix)
    {
        if (_keys.Count == 0)
        {
            return [];
        }
        var max = _keys.Max!;
        if (ByteKeyComparer.Instance.Compare(prefix, max) > 0)
        {
            return [];
        }
        return _keys.GetViewBetween(prefix, max).TakeWhile(k => ByteKeyComparer.HasPrefix(k, prefix));
    }

    private void Store(KeyValue kv)
    {
        if (_data.TryAdd(kv.Key, kv))
        {
            _keys.Add(kv.Key);
        }
        else
        {
            _data[kv.Key] = kv;
        }
    }

    private void Remove(byte[] key)
    {
        _data.Remove(key);
        _keys.Remove(key);
    }
}
