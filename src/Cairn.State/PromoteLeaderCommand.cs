using Cairn.State.Codec;

namespace Cairn.State;

/// <summary>
/// The first command of a new leader: from now on its clock drives committed time (progress from
/// <paramref name="NowMs"/> on), and every lease and session deadline moves <paramref name="GraceMs"/> later, so that the
/// time the old leader did not get to commit (at most one election timeout) can never expire a lease early.
/// </summary>
/// <param name="LeaderEpoch">The new leader's epoch (its Raft term); must be above the current epoch.</param>
/// <param name="NowMs">The new leader's monotonic clock in milliseconds.</param>
/// <param name="GraceMs">The extension, normally one election timeout; at most <see cref="MaxGraceMs"/>.</param>
public sealed record PromoteLeaderCommand(ulong LeaderEpoch, ulong NowMs, ulong GraceMs) : StateCommand
{
    /// <summary>The longest grace a promotion may grant (one hour).</summary>
    public const ulong MaxGraceMs = 3_600_000;

    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.System;

    /// <inheritdoc/>
    public override byte Operation => (byte)SystemOperation.PromoteLeader;

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(LeaderEpoch);
        writer.WriteVarUInt64(NowMs);
        writer.WriteVarUInt64(GraceMs);
    }
}
