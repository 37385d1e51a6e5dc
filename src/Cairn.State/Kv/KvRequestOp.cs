namespace Cairn.State.Kv;

/// <summary>
/// An operation that may stand alone or inside a transaction: put, range or delete. Alone, it applies as a transaction
/// with no compares and answers with a <see cref="KvTxnResponse"/> holding one response.
/// </summary>
public abstract record KvRequestOp : StateCommand
{
    /// <inheritdoc/>
    public sealed override ModuleId Module => ModuleId.Kv;
}
