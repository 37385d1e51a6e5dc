using System.Text;

namespace Cairn.Client.Cluster;

/// <summary>Keys and transactions.</summary>
public sealed partial class CairnClient
{
    /// <summary>Reads a key.</summary>
    /// <param name="key">The key (UTF-8, 1 to 1,024 bytes; <c>/</c> allowed).</param>
    /// <param name="consistency">Linearizable (default) or stale.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key, or null when it does not exist.</returns>
    /// <exception cref="ArgumentException">The key is empty or has a <c>.</c> or <c>..</c> segment (see <see cref="CairnClient"/>).</exception>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.TooLarge"/> for a key over the limit; transient codes after the retries.</exception>
    public Task<KeyValue?> GetAsync(string key, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken cancellationToken = default)
    {
        var path = $"{ApiJson.KeyPath(key)}?consistency={ApiJson.ConsistencyName(consistency)}";
        return SendAsync(new ApiRequest(HttpMethod.Get, path) { NotFoundIsEmpty = true }, body => (KeyValue?)ApiJson.KeyValue(body), cancellationToken);
    }

    /// <summary>Lists the keys with a prefix, in key order.</summary>
    /// <param name="prefix">The prefix; empty for every key.</param>
    /// <param name="limit">At most this many keys; 0 for the server's cap (10,000).</param>
    /// <param name="consistency">Linearizable (default) or stale.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The keys, the revision they were read at, and whether more match.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative.</exception>
    /// <exception cref="CairnException">Transient codes after the retries.</exception>
    public Task<RangeResult> RangeAsync(string prefix, int limit = 0, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var path = ApiJson.Invariant($"v1/kv?prefix={ApiJson.Query(prefix)}&limit={limit}&consistency={ApiJson.ConsistencyName(consistency)}");
        return SendAsync(new ApiRequest(HttpMethod.Get, path),
            body => new RangeResult(ApiJson.Number(body, "revision"), ApiJson.KeyValues(body), ApiJson.Flag(body, "more")), cancellationToken);
    }

    /// <summary>Sets a key, exactly once however often the call is retried.</summary>
    /// <param name="key">The key (UTF-8, 1 to 1,024 bytes).</param>
    /// <param name="value">The value, at most 1 MiB; read on each attempt, so leave it unchanged until the call completes.</param>
    /// <param name="leaseId">A lease to attach the key to (deleted when it expires), or 0.</param>
    /// <param name="cancellationToken">Cancels the call; the write may still have been applied.</param>
    /// <returns>The cluster revision of the write.</returns>
    /// <exception cref="ArgumentException">The key is empty or has a <c>.</c> or <c>..</c> segment.</exception>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.TooLarge"/>, <see cref="CairnErrorCode.InvalidArgument"/>,
    /// <see cref="CairnErrorCode.LeaseNotFound"/>; transient codes after the retries.</exception>
    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, long leaseId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leaseId);
        var path = leaseId == 0 ? ApiJson.KeyPath(key) : ApiJson.Invariant($"{ApiJson.KeyPath(key)}?lease={leaseId}");
        return SendAsync(new ApiRequest(HttpMethod.Put, path, value) { IsWrite = true }, body => ApiJson.Number(body, "revision"), cancellationToken);
    }

    /// <summary>Sets a key to UTF-8 text, exactly once; see <see cref="PutAsync(string, ReadOnlyMemory{byte}, long, CancellationToken)"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value as text.</param>
    /// <param name="leaseId">A lease, or 0.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cluster revision of the write.</returns>
    public Task<long> PutAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return PutAsync(key, Encoding.UTF8.GetBytes(value), leaseId, cancellationToken);
    }

    /// <summary>Deletes a key, exactly once.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call; the delete may still have been applied.</param>
    /// <returns>The revision and how many keys were deleted (0 when it did not exist).</returns>
    /// <exception cref="CairnException">Transient codes after the retries.</exception>
    public Task<DeleteResult> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync(new ApiRequest(HttpMethod.Delete, ApiJson.KeyPath(key)) { IsWrite = true },
            body => new DeleteResult(ApiJson.Number(body, "revision"), ApiJson.Number(body, "deleted")), cancellationToken);

    /// <summary>Runs a transaction atomically, in one revision, exactly once.</summary>
    /// <param name="txn">The compares and the two branches.</param>
    /// <param name="cancellationToken">Cancels the call; the transaction may still have been applied.</param>
    /// <returns>Which branch ran and its answers; a failed compare is <see cref="TxnResult.Succeeded"/> false, not an error.</returns>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.InvalidArgument"/> naming the field (e.g. <c>success[1].key</c>),
    /// <see cref="CairnErrorCode.TooLarge"/>, <see cref="CairnErrorCode.LeaseNotFound"/>; transient codes after the retries.</exception>
    public Task<TxnResult> TxnAsync(CairnTxn txn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(txn);
        return SendAsync(new ApiRequest(HttpMethod.Post, "v1/kv/txn", ApiJson.TxnBody(txn), "application/json") { IsWrite = true }, ApiJson.TxnResult, cancellationToken);
    }

    /// <summary>
    /// Compacts the watch history: revisions below <paramref name="revision"/> can no longer be watched (a watch from
    /// there fails with <see cref="CairnErrorCode.RevisionCompacted"/>). Keys are unaffected.
    /// </summary>
    /// <param name="revision">The new compaction point, at least 1 and at most the current revision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The compaction point now in force.</returns>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.RevisionCompacted"/> when it is already past
    /// <paramref name="revision"/>; <see cref="CairnErrorCode.InvalidArgument"/> for a future revision; transient codes after the retries.</exception>
    public Task<long> CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(revision);
        return SendAsync(new ApiRequest(HttpMethod.Post, ApiJson.Invariant($"v1/kv/compact?revision={revision}")) { IsWrite = true },
            body => ApiJson.Number(body, "compactRevision"), cancellationToken);
    }
}
