using Cairn.State.Cluster;
using Cairn.State.Codec;
using Cairn.State.Kv;
using Cairn.State.Sessions;

namespace Cairn.State;

/// <summary>
/// The deterministic replicated state machine: decodes each committed command, deduplicates it through its client
/// session, routes it to its module and returns the result with the change events it caused.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: one thread (the node's apply loop) calls <see cref="Apply"/>, <see cref="Query"/>,
/// <see cref="Snapshot"/>, <see cref="CaptureSnapshot"/> and <see cref="TryRestore"/> (the serializer that
/// <see cref="CaptureSnapshot"/> returns may run on any thread). Apply is synchronous and deterministic — it reads no clock,
/// no randomness, no environment; time enters only as values inside committed commands (<see cref="ExpireLeasesCommand"/>
/// and <see cref="PromoteLeaderCommand"/> move committed time; lease grants and keep-alives carry the proposing
/// leader's clock to start their TTL from) — so replicas that apply the same log hold the same state and produce the same
/// snapshot bytes.</para>
/// <para>Bad input never throws: it yields an <see cref="ErrorResponse"/> and leaves the state as it was, except that the
/// applied index moves (the entry was committed).</para>
/// </remarks>
public sealed partial class StateMachine
{
    private readonly StateMachineOptions _options;
    private readonly ApplyContext _context;
    private SessionTable _sessions = new();
    private KvModule _kv;
    private ClusterModule _cluster;
    private IStateModule[] _modules;

    private ulong _appliedIndex;
    private ulong _revision = 1;

    // Committed time: a monotonic clock made of the promoted leader's progress since its promotion, added to the
    // committed time at that promotion. It never goes back, whatever the clocks of successive leaders read.
    private ulong _committedTimeMs;
    private ulong _leaderEpoch;
    private ulong _epochLeaderBaseMs;
    private ulong _epochCommittedBaseMs;

    /// <summary>Creates an empty machine (revision 1, nothing applied).</summary>
    /// <param name="options">Settings shared by every replica; null for the defaults.</param>
    public StateMachine(StateMachineOptions? options = null)
    {
        _options = options ?? new StateMachineOptions();
        _options.Validate();
        _context = new ApplyContext(_options);
        (_kv, _cluster, _modules) = CreateModules();
    }

    /// <summary>The index of the last applied entry (0 before any).</summary>
    public ulong AppliedIndex => _appliedIndex;

    /// <summary>The cluster-wide revision (1 for an empty store; each write transaction adds one).</summary>
    public ulong Revision => _revision;

    /// <summary>The committed time in milliseconds.</summary>
    public ulong CommittedTimeMs => _committedTimeMs;

    /// <summary>The epoch of the leader whose clock drives committed time (0 before any promotion).</summary>
    public ulong LeaderEpoch => _leaderEpoch;

    /// <summary>The number of live client sessions.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>The KV module, for local reads on the apply thread.</summary>
    public KvModule Kv => _kv;

    /// <summary>The member registry, for local reads on the apply thread.</summary>
    public ClusterModule Cluster => _cluster;

    /// <summary>The modules, in id order.</summary>
    public IReadOnlyList<IStateModule> Modules => _modules;

    private (KvModule Kv, ClusterModule Cluster, IStateModule[] Modules) CreateModules()
    {
        var kv = new KvModule(_options);
        var cluster = new ClusterModule();
        return (kv, cluster, [kv, cluster]);
    }

    /// <summary>Applies the committed entry at <paramref name="index"/>.</summary>
    /// <param name="index">The entry's log index; must be above <see cref="AppliedIndex"/> (a host bug otherwise, which
    /// throws <see cref="InvalidOperationException"/> on every replica alike).</param>
    /// <param name="command">The entry's bytes from <see cref="StateCodec.EncodeCommand"/>; empty means a no-op (so the
    /// host may pass the leader's empty entries through).</param>
    /// <returns>The result and the change events, in revision order.</returns>
    public ApplyResult Apply(ulong index, ReadOnlySpan<byte> command)
    {
        if (index <= _appliedIndex)
        {
            throw new InvalidOperationException($"entry {index} is at or below the applied index {_appliedIndex}");
        }
        _appliedIndex = index;
        _context.Begin(index, _committedTimeMs, _revision, CurrentLeaderClock);
        var response = ApplyCore(command, out var duplicate);
        _revision = _context.Revision;
        _committedTimeMs = _context.CommittedTimeMs;
        WatchEvent[] events = _context.Events.Count == 0 ? [] : [.. _context.Events];
        return new ApplyResult(index, response, events, _revision, _kv.CompactRevision, duplicate);
    }

    /// <summary>
    /// Answers a read-only command (<see cref="KvRangeCommand"/>, <see cref="LeaseTimeToLiveCommand"/>) from local state,
    /// without the log: the host calls it after ReadIndex for a linearizable read, or directly for a stale one.
    /// </summary>
    public StateResponse Query(StateCommand query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query is not (KvRangeCommand or LeaseTimeToLiveCommand))
        {
            return new ErrorResponse(StateStatus.InvalidArgument, $"{query.GetType().Name} is not a read; only range and lease time-to-live are");
        }
        _context.Begin(_appliedIndex, _committedTimeMs, _revision, CurrentLeaderClock);
        return _kv.Apply(query, _context);
    }

    private StateResponse ApplyCore(ReadOnlySpan<byte> bytes, out bool duplicate)
    {
        duplicate = false;
        if (bytes.IsEmpty)
        {
            return EmptyResponse.Instance;
        }
        if (bytes.Length > _options.MaxCommandBytes)
        {
            return new ErrorResponse(StateStatus.TooLarge, $"command is {bytes.Length} bytes; the limit is {_options.MaxCommandBytes}");
        }
        var error = TryDecode(bytes, out var command, out var sessionId, out var sequence);
        if (error is not null)
        {
            return error;
        }
        return sessionId == 0 ? Dispatch(command!) : ApplyInSession(command!, sessionId, sequence, out duplicate);
    }

    private ErrorResponse? TryDecode(ReadOnlySpan<byte> bytes, out StateCommand? command, out ulong sessionId, out ulong sequence)
    {
        command = null;
        sequence = 0;
        sessionId = 0;
        var reader = new StateReader(bytes);
        reader.TryReadByte(out var version);
        if (version != StateCodec.Version)
        {
            return new ErrorResponse(StateStatus.UnsupportedVersion, $"codec version {version} is not supported; this build reads {StateCodec.Version}");
        }
        if (!reader.TryReadByte(out var moduleByte) || !reader.TryReadByte(out var operation)
            || !reader.TryReadVarUInt64(out sessionId) || (sessionId != 0 && !reader.TryReadVarUInt64(out sequence)))
        {
            return new ErrorResponse(StateStatus.Malformed, "command envelope is truncated or malformed");
        }
        var name = $"{(ModuleId)moduleByte}.{operation}";
        if (moduleByte == (byte)ModuleId.System)
        {
            if (!TryReadSystemCommand(operation, ref reader, out command))
            {
                return operation is < (byte)SystemOperation.RegisterSession or > (byte)SystemOperation.PromoteLeader
                    ? new ErrorResponse(StateStatus.UnknownOperation, $"System has no operation {operation}")
                    : new ErrorResponse(StateStatus.Malformed, $"{name} body is truncated or malformed");
            }
        }
        else
        {
            var module = FindModule(moduleByte);
            if (module is null)
            {
                return new ErrorResponse(StateStatus.UnknownModule, $"module {moduleByte} does not exist");
            }
            if (!module.HasOperation(operation))
            {
                return new ErrorResponse(StateStatus.UnknownOperation, $"{module.Id} has no operation {operation}");
            }
            if (!module.TryReadCommand(operation, ref reader, out command) || command is null)
            {
                return new ErrorResponse(StateStatus.Malformed, $"{name} body is truncated or malformed");
            }
        }
        return reader.RemainingBytes != 0
            ? new ErrorResponse(StateStatus.Malformed, $"{reader.RemainingBytes} trailing bytes after the {name} body")
            : null;
    }

    private IStateModule? FindModule(byte id)
    {
        foreach (var module in _modules)
        {
            if ((byte)module.Id == id)
            {
                return module;
            }
        }
        return null;
    }

    private StateResponse Dispatch(StateCommand command) => command switch
    {
        RegisterSessionCommand => RegisterSession(),
        ExpireLeasesCommand expire => ExpireLeases(expire),
        PromoteLeaderCommand promote => PromoteLeader(promote),
        _ => FindModule((byte)command.Module)!.Apply(command, _context),
    };
}
