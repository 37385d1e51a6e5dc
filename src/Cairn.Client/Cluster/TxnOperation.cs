namespace Cairn.Client.Cluster;

/// <summary>
/// One operation of a <see cref="CairnTxn"/> branch. Keys and values are UTF-8 text. A branch may write each key at
/// most once. Immutable; build with the static methods.
/// </summary>
public sealed record TxnOperation
{
    private TxnOperation(TxnOperationKind kind, string key, string? value, long lease, bool prefix)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 && !(prefix && kind != TxnOperationKind.Put))
        {
            throw new ArgumentException("must not be empty (an empty key is allowed only as a prefix of a delete or get)", nameof(key));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(lease);
        Kind = kind;
        Key = key;
        Value = value;
        Lease = lease;
        Prefix = prefix;
    }

    /// <summary>Put, delete or get.</summary>
    public TxnOperationKind Kind { get; }

    /// <summary>The key, or the prefix when <see cref="Prefix"/> is true.</summary>
    public string Key { get; }

    /// <summary>For a put: the value; otherwise null.</summary>
    public string? Value { get; }

    /// <summary>For a put: the lease to attach, or 0.</summary>
    public long Lease { get; }

    /// <summary>For a delete or get: true to act on every key with the prefix <see cref="Key"/>.</summary>
    public bool Prefix { get; }

    /// <summary>Sets a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (UTF-8 text; at most 1 MiB encoded).</param>
    /// <param name="leaseId">A lease to attach, or 0.</param>
    /// <returns>The operation.</returns>
    public static TxnOperation Put(string key, string value, long leaseId = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(TxnOperationKind.Put, key, value, leaseId, prefix: false);
    }

    /// <summary>Sets a key to bytes that must be valid UTF-8.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="leaseId">A lease to attach, or 0.</param>
    /// <returns>The operation.</returns>
    /// <exception cref="ArgumentException">The value is not valid UTF-8 (transactions carry values as text; use <see cref="CairnClient.PutAsync(string, ReadOnlyMemory{byte}, long, CancellationToken)"/> for binary values).</exception>
    public static TxnOperation Put(string key, ReadOnlySpan<byte> value, long leaseId = 0) =>
        new(TxnOperationKind.Put, key, Utf8.Strict(value, nameof(value)), leaseId, prefix: false);

    /// <summary>Deletes a key, or every key with a prefix.</summary>
    /// <param name="key">The key or prefix.</param>
    /// <param name="prefix">True for a prefix.</param>
    /// <returns>The operation.</returns>
    public static TxnOperation Delete(string key, bool prefix = false) => new(TxnOperationKind.Delete, key, null, 0, prefix);

    /// <summary>Reads a key, or every key with a prefix.</summary>
    /// <param name="key">The key or prefix.</param>
    /// <param name="prefix">True for a prefix.</param>
    /// <returns>The operation.</returns>
    public static TxnOperation Get(string key, bool prefix = false) => new(TxnOperationKind.Get, key, null, 0, prefix);
}
