using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>Grants a lease that expires <paramref name="TtlMs"/> after the committed time unless kept alive.</summary>
/// <param name="LeaseId">The id to use, or 0 to take the command's log index (deterministic on every replica).</param>
/// <param name="TtlMs">The time to live, 1 to <see cref="KvLimits.MaxLeaseTtlMs"/> milliseconds.</param>
public sealed record LeaseGrantCommand(ulong LeaseId, ulong TtlMs) : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Kv;

    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.LeaseGrant;

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(LeaseId);
        writer.WriteVarUInt64(TtlMs);
    }
}
