using Cairn.State.Codec;

namespace Cairn.State.Kv;

/// <summary>
/// If every compare holds, applies <paramref name="Success"/>, otherwise <paramref name="Failure"/>, atomically and under
/// one revision (which advances only if some operation wrote). Operations run in order and see earlier ones' writes.
/// A key may be written at most once per branch (etcd's rule).
/// </summary>
/// <param name="Compares">The conditions (at most <see cref="KvLimits.MaxOpsPerTxn"/>); none means success.</param>
/// <param name="Success">The operations when all compares hold (at most <see cref="KvLimits.MaxOpsPerTxn"/>).</param>
/// <param name="Failure">The operations otherwise (at most <see cref="KvLimits.MaxOpsPerTxn"/>).</param>
public sealed record KvTxnCommand(IReadOnlyList<KvCompare> Compares, IReadOnlyList<KvRequestOp> Success, IReadOnlyList<KvRequestOp> Failure) : StateCommand
{
    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Kv;

    /// <inheritdoc/>
    public override byte Operation => (byte)KvOperation.Txn;

    internal override void WriteBody(StateWriter writer) => KvCodec.WriteTxn(writer, this);
}
