using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>Renews a lease: it now expires its full TTL after the committed time.</summary>
/// <param name="LeaseId">The lease.</param>
public sealed record LeaseKeepAliveCommand(ulong LeaseId) : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Kv;

    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.LeaseKeepAlive;

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(LeaseId);
    }
}
