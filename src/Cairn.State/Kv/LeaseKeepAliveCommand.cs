using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>
/// Renews a lease: it now expires its full TTL after the moment the keep-alive was proposed (the proposing leader's
/// clock mapped to committed time when <paramref name="LeaderEpoch"/> is the promoted epoch, the committed time
/// otherwise), or at its current deadline if that is later.
/// </summary>
/// <param name="LeaseId">The lease.</param>
/// <param name="LeaderEpoch">The proposer's epoch (its Raft term) if it led when it proposed; 0 for none.</param>
/// <param name="NowMs">The proposer's clock in milliseconds when it proposed.</param>
public sealed record LeaseKeepAliveCommand(ulong LeaseId, ulong LeaderEpoch = 0, ulong NowMs = 0) : StateCommand, ILeaderStampedCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Kv;

    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.LeaseKeepAlive;

    /// <inheritdoc/>
    public StateCommand StampLeaderClock(ulong leaderEpoch, ulong nowMs) => this with { LeaderEpoch = leaderEpoch, NowMs = nowMs };

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(LeaseId);
        writer.WriteVarUInt64(LeaderEpoch);
        writer.WriteVarUInt64(NowMs);
    }
}
