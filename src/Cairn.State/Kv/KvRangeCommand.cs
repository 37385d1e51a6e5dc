using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>Reads one key, or every key with a prefix, in key order.</summary>
/// <param name="Key">The key, or the prefix when <paramref name="Prefix"/> is set (an empty prefix means every key).</param>
/// <param name="Prefix">Whether <paramref name="Key"/> is a prefix.</param>
/// <param name="Limit">The most keys to return; 0 or above <see cref="KvLimits.MaxRangeResults"/> means that limit.</param>
public sealed record KvRangeCommand(byte[] Key, bool Prefix = false, ulong Limit = 0) : KvRequestOp
{
    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.Range;

    internal override void WriteBody(StateWriter writer) => KvCodec.WriteRange(writer, this);
}
