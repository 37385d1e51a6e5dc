using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>Discards watch history before <paramref name="Revision"/>: watches may then start at it or later, never before.</summary>
/// <param name="Revision">The new compaction point: above the current one, at most the current revision.</param>
public sealed record KvCompactCommand(ulong Revision) : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Kv;

    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.Compact;

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(Revision);
    }
}
