using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>
/// Grants a lease that expires <paramref name="TtlMs"/> after the moment it was proposed unless kept alive. That moment
/// is the proposing leader's clock (<paramref name="LeaderEpoch"/>, <paramref name="NowMs"/>) mapped to committed time
/// when the epoch is the promoted one, and the committed time otherwise (<see cref="ApplyContext.ProposedAtMs"/>).
/// </summary>
/// <param name="LeaseId">The id to use, or 0 to take the command's log index (deterministic on every replica).</param>
/// <param name="TtlMs">The time to live, 1 to <see cref="KvLimits.MaxLeaseTtlMs"/> milliseconds.</param>
/// <param name="LeaderEpoch">The proposer's epoch (its Raft term) if it led when it proposed; 0 for none.</param>
/// <param name="NowMs">The proposer's clock in milliseconds when it proposed.</param>
public sealed record LeaseGrantCommand(ulong LeaseId, ulong TtlMs, ulong LeaderEpoch = 0, ulong NowMs = 0) : StateCommand, ILeaderStampedCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Kv;

    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.LeaseGrant;

    /// <inheritdoc/>
    public StateCommand StampLeaderClock(ulong leaderEpoch, ulong nowMs) => this with { LeaderEpoch = leaderEpoch, NowMs = nowMs };

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(LeaseId);
        writer.WriteVarUInt64(TtlMs);
        writer.WriteVarUInt64(LeaderEpoch);
        writer.WriteVarUInt64(NowMs);
    }
}
