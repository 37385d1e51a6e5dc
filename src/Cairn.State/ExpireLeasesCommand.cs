using Cairn.State.Codec;

namespace Cairn.State;

/// <summary>
/// The leader's clock, committed: advances the committed time, then expires every lease and client session whose
/// deadline has passed. This is the only way anything expires; apply never reads a clock.
/// </summary>
/// <param name="LeaderEpoch">The epoch of the proposing leader (its Raft term); must equal the epoch of the last
/// <see cref="PromoteLeaderCommand"/>, so a deposed leader's late timestamps, from another clock, are ignored.</param>
/// <param name="NowMs">The leader's monotonic clock in milliseconds; its progress since the promotion is what counts.</param>
public sealed record ExpireLeasesCommand(ulong LeaderEpoch, ulong NowMs) : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.System;

    /// <inheritdoc/>
    public override byte Operation => (byte)SystemOperation.ExpireLeases;

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(LeaderEpoch);
        writer.WriteVarUInt64(NowMs);
    }
}
