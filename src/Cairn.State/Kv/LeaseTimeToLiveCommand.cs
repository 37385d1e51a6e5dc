using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>Reports a lease's granted and remaining TTL through the log (the same answer is available without the log from <see cref="StateMachine.Query"/>).</summary>
/// <param name="LeaseId">The lease.</param>
/// <param name="Keys">Whether to list the attached keys.</param>
public sealed record LeaseTimeToLiveCommand(ulong LeaseId, bool Keys = false) : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Kv;

    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.LeaseTimeToLive;

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(LeaseId);
        writer.WriteBool(Keys);
    }
}
