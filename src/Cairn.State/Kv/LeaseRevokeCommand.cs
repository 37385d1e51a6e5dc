using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>Revokes a lease and deletes every key attached to it under one revision.</summary>
/// <param name="LeaseId">The lease.</param>
public sealed record LeaseRevokeCommand(ulong LeaseId) : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Kv;

    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.LeaseRevoke;

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(LeaseId);
    }
}
