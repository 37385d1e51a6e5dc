using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>Deletes one key, or every key with a prefix. Deleting nothing does not advance the revision.</summary>
/// <param name="Key">The key, or the prefix when <paramref name="Prefix"/> is set.</param>
/// <param name="Prefix">Whether <paramref name="Key"/> is a prefix.</param>
/// <param name="PrevKv">Whether the response carries the deleted keys' last state.</param>
public sealed record KvDeleteCommand(byte[] Key, bool Prefix = false, bool PrevKv = false) : KvRequestOp
{
    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.Delete;

    internal override void WriteBody(StateWriter writer) => KvCodec.WriteDelete(writer, this);
}
