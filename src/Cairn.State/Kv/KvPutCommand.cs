using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>Sets a key's value, creating the key if absent.</summary>
/// <param name="Key">The key (1 to <see cref="KvLimits.MaxKeyBytes"/> bytes).</param>
/// <param name="Value">The value (0 to <see cref="KvLimits.MaxValueBytes"/> bytes).</param>
/// <param name="LeaseId">The lease to attach the key to, or 0 for none (a put without a lease detaches the key).</param>
/// <param name="PrevKv">Whether the response carries the key's previous state.</param>
public sealed record KvPutCommand(byte[] Key, byte[] Value, ulong LeaseId = 0, bool PrevKv = false) : KvRequestOp
{
    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.Put;

    internal override void WriteBody(StateWriter writer) => KvCodec.WritePut(writer, this);
}
