using Cairn.State.Codec;

namespace Cairn.State.Cluster;

/// <summary>Forgets a removed member's addresses. Forgetting an unknown member is not an error.</summary>
/// <param name="Id">The member's Raft node id.</param>
public sealed record MemberForgetCommand(ulong Id) : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Cluster;

    /// <inheritdoc/>
    public override byte Operation => (byte)ClusterOperation.Forget;

    internal override void WriteBody(StateWriter writer) => writer.WriteVarUInt64(Id);
}
