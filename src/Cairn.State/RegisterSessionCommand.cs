using Cairn.State.Codec;

namespace Cairn.State;

/// <summary>
/// Opens a client session (Raft thesis §6.3). The session id is the command's log index, so every replica picks the same
/// one; the client then tags each write with it and a sequence number that grows by at least one per new request.
/// </summary>
public sealed record RegisterSessionCommand : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.System;

    /// <inheritdoc/>
    public override byte Operation => (byte)SystemOperation.RegisterSession;

    internal override void WriteBody(StateWriter writer)
    {
    }
}
