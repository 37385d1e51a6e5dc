namespace Cairn.Client.Cluster;

/// <summary>The answer to one operation of the branch that ran.</summary>
/// <param name="Kind">Put, delete or get.</param>
/// <param name="Deleted">For a delete: how many keys it deleted; otherwise 0.</param>
/// <param name="Kvs">For a get: the keys read, in key order; otherwise empty.</param>
/// <param name="More">For a get: true when more keys matched than were returned.</param>
public sealed record TxnOperationResult(TxnOperationKind Kind, long Deleted, IReadOnlyList<KeyValue> Kvs, bool More);
