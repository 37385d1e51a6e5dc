using System.Buffers.Binary;
using System.IO.Hashing;
using Cairn.Raft;
using Cairn.State;
using Cairn.State.Kv;

namespace Cairn.Simulation;

/// <summary>
/// Checks the real state machine as every replica runs it. Each replica must answer every index exactly as the first
/// replica that applied it did (response, revision, compaction point, duplicate flag and change events), and snapshots
/// taken at the same index must be the same bytes. The first application of each index anywhere is the committed
/// history: its change events are the log that watchers are compared with, and it feeds the exactly-once and lease
/// models.
/// </summary>
/// <remarks>
/// First applications come in index order: a node applies in order, and a snapshot that lets a node skip indexes was
/// taken by a node that applied them.
/// </remarks>
internal sealed class StateMachineChecker
{
    private readonly Action<string> _fail;
    private readonly Dictionary<ulong, ulong> _fingerprints = [];
    private readonly Dictionary<ulong, (ulong Hash, NodeId Node)> _snapshots = [];
    // A replica that diverged once differs at every later index: it is reported once per life.
    private readonly HashSet<(NodeId Node, int Incarnation)> _diverged = [];
    private readonly Func<ulong, ulong, PendingOperation?> _request;
    private ulong _lastIndex;

    /// <summary>Creates the checker; <paramref name="request"/> finds the client request of a (session, sequence).</summary>
    public StateMachineChecker(Action<string> fail, int millisecondsPerTick, Func<ulong, ulong, PendingOperation?> request)
    {
        _fail = fail;
        _request = request;
        ExactlyOnce = new ExactlyOnceChecker(fail);
        Leases = new LeaseChecker(fail, millisecondsPerTick);
    }

    /// <summary>Every change event of the committed history, in revision order.</summary>
    public List<WatchEvent> Events { get; } = [];

    public ExactlyOnceChecker ExactlyOnce { get; }

    public LeaseChecker Leases { get; }

    /// <summary>One replica applied <paramref name="entry"/> with <paramref name="result"/>; its machine is <paramref name="machine"/>.</summary>
    public void OnApplied(long tick, SimulatedNode node, Entry entry, ApplyResult result, StateMachine machine)
    {
        var index = entry.Index.Value;
        var fingerprint = Fingerprint(result);
        if (_fingerprints.TryGetValue(index, out var first))
        {
            if (first != fingerprint && _diverged.Add((node.Id, node.Incarnation)))
            {
                _fail($"replicas diverge: {node.Id} answered index {index} with {result.Response} at revision {result.Revision} ({result.Events.Count} events), unlike the first replica to apply it");
            }

            return;
        }

        if (index != _lastIndex + 1)
        {
            _fail($"committed history: index {index} was applied first by {node.Id} before any node applied {_lastIndex + 1}");
        }

        _fingerprints.Add(index, fingerprint);
        _lastIndex = Math.Max(_lastIndex, index);
        Events.AddRange(result.Events);
        var envelope = entry.Kind == EntryKind.Command ? CommandEnvelope.TryRead(entry.Data.Span) : null;
        var request = envelope is { SessionId: not 0 } ? _request(envelope.SessionId, envelope.Sequence) : null;
        ExactlyOnce.OnCommitted(index, envelope, result);
        Leases.OnCommitted(tick, index, envelope, result, request, machine);
    }

    /// <summary>A replica took a snapshot at <paramref name="index"/>: the bytes must match every other snapshot at that index.</summary>
    public void OnSnapshot(SimulatedNode node, ulong index, byte[] snapshot)
    {
        var hash = XxHash3.HashToUInt64(snapshot);
        if (_snapshots.TryGetValue(index, out var other) && other.Hash != hash && _diverged.Add((node.Id, node.Incarnation)))
        {
            _fail($"replicas diverge: {node.Id}'s snapshot at index {index} differs from {other.Node}'s");
        }

        _snapshots.TryAdd(index, (hash, node.Id));
    }

    private static ulong Fingerprint(ApplyResult result)
    {
        var hash = new XxHash3();
        hash.Append(StateCodec.EncodeResponse(result.Response));
        Span<byte> numbers = stackalloc byte[8 * 6];
        BinaryPrimitives.WriteUInt64LittleEndian(numbers, result.Revision);
        BinaryPrimitives.WriteUInt64LittleEndian(numbers[8..], result.CompactRevision);
        BinaryPrimitives.WriteUInt64LittleEndian(numbers[16..], result.Duplicate ? 1UL : 0UL);
        hash.Append(numbers[..24]);
        foreach (var change in result.Events)
        {
            AppendKeyValue(hash, change.Kv, numbers);
            numbers[0] = (byte)change.Type;
            numbers[1] = change.PrevKv is null ? (byte)0 : (byte)1;
            hash.Append(numbers[..2]);
            if (change.PrevKv is not null)
            {
                AppendKeyValue(hash, change.PrevKv, numbers);
            }
        }

        return hash.GetCurrentHashAsUInt64();
    }

    private static void AppendKeyValue(XxHash3 hash, KeyValue kv, Span<byte> numbers)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(numbers, kv.CreateRevision);
        BinaryPrimitives.WriteUInt64LittleEndian(numbers[8..], kv.ModRevision);
        BinaryPrimitives.WriteUInt64LittleEndian(numbers[16..], kv.Version);
        BinaryPrimitives.WriteUInt64LittleEndian(numbers[24..], kv.LeaseId);
        BinaryPrimitives.WriteUInt64LittleEndian(numbers[32..], (ulong)kv.Key.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(numbers[40..], (ulong)kv.Value.Length);
        hash.Append(numbers);
        hash.Append(kv.Key);
        hash.Append(kv.Value);
    }
}
