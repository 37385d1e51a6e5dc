using Cairn.State;
using Cairn.State.Codec;
using Cairn.State.Kv;

namespace Cairn.Simulation;

/// <summary>
/// The head of an encoded state-machine command (see docs/state-machine.md, "Codec"), and the bodies of the commands
/// that carry time: what the checkers need to know about a committed entry without trusting the machine.
/// </summary>
/// <param name="Module">The module byte.</param>
/// <param name="Operation">The operation byte.</param>
/// <param name="SessionId">The client session, or 0.</param>
/// <param name="Sequence">The sequence number in the session, or 0.</param>
/// <param name="System">For <c>ExpireLeases</c> and <c>PromoteLeader</c>: the command itself; null otherwise.</param>
internal sealed record CommandEnvelope(byte Module, byte Operation, ulong SessionId, ulong Sequence, StateCommand? System)
{
    /// <summary>For a lease grant or keep-alive: the proposing leader's stamp (epoch, clock); null otherwise.</summary>
    public (ulong LeaderEpoch, ulong NowMs)? LeaderStamp { get; init; }

    /// <summary>Whether the command only reads (a range or a lease time-to-live), which a session runs again on a retry.</summary>
    public bool IsRead => Module == (byte)ModuleId.Kv && Operation is (byte)KvOperation.Range or (byte)KvOperation.LeaseTimeToLive;

    /// <summary>Whether the command is a leader's own duty: a promotion, a sweep or a compaction.</summary>
    public bool IsLeaderDuty => System is not null || (Module == (byte)ModuleId.Kv && Operation == (byte)KvOperation.Compact);

    /// <summary>Reads the envelope; null for an empty entry or bytes that are not a command the simulation wrote.</summary>
    public static CommandEnvelope? TryRead(ReadOnlySpan<byte> bytes)
    {
        var reader = new StateReader(bytes);
        ulong sequence = 0;
        if (!reader.TryReadByte(out var version) || version != StateCodec.Version || !reader.TryReadByte(out var module)
            || !reader.TryReadByte(out var operation) || !reader.TryReadVarUInt64(out var sessionId)
            || (sessionId != 0 && !reader.TryReadVarUInt64(out sequence)))
        {
            return null;
        }

        StateCommand? system = null;
        if (module == (byte)ModuleId.System && reader.TryReadVarUInt64(out var epoch) && reader.TryReadVarUInt64(out var nowMs))
        {
            system = operation switch
            {
                (byte)SystemOperation.ExpireLeases => new ExpireLeasesCommand(epoch, nowMs),
                (byte)SystemOperation.PromoteLeader when reader.TryReadVarUInt64(out var graceMs) => new PromoteLeaderCommand(epoch, nowMs, graceMs),
                _ => null,
            };
        }

        return new CommandEnvelope(module, operation, sessionId, sequence, system) { LeaderStamp = TryReadLeaderStamp(module, operation, ref reader) };
    }

    /// <summary>Grant is [leaseId][ttlMs][epoch][nowMs], keep-alive [leaseId][epoch][nowMs] (docs/state-machine.md).</summary>
    private static (ulong, ulong)? TryReadLeaderStamp(byte module, byte operation, ref StateReader reader)
    {
        var fields = (module, operation) switch
        {
            ((byte)ModuleId.Kv, (byte)KvOperation.LeaseGrant) => 2,
            ((byte)ModuleId.Kv, (byte)KvOperation.LeaseKeepAlive) => 1,
            _ => -1,
        };
        for (var i = 0; i < fields; i++)
        {
            if (!reader.TryReadVarUInt64(out _))
            {
                return null;
            }
        }

        return fields >= 0 && reader.TryReadVarUInt64(out var epoch) && reader.TryReadVarUInt64(out var nowMs) ? (epoch, nowMs) : null;
    }
}
