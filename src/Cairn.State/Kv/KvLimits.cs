namespace Cairn.State.Kv;

/// <summary>
/// The limits of the KV module, enforced in apply with <see cref="StateStatus.TooLarge"/> or
/// <see cref="StateStatus.InvalidArgument"/> errors naming the field. They are part of the replicated behaviour: changing
/// one is a codec-version change.
/// </summary>
public static class KvLimits
{
    /// <summary>The longest key, in bytes (etcd has no fixed limit; 1 KiB keeps the sorted index compact).</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The largest value, in bytes (1 MiB, etcd's default request limit is 1.5 MiB).</summary>
    public const int MaxValueBytes = 1024 * 1024;

    /// <summary>The most compares, and separately the most operations per branch, in one transaction (etcd's default).</summary>
    public const int MaxOpsPerTxn = 128;

    /// <summary>The most keys one range returns; a range with limit 0 or above this returns this many and sets More.</summary>
    public const int MaxRangeResults = 10_000;

    /// <summary>The longest lease TTL, in milliseconds (about 31.7 years).</summary>
    public const ulong MaxLeaseTtlMs = 1_000_000_000_000;

    /// <summary>The most leases one ExpireLeases command revokes; the response says when more are due.</summary>
    public const int MaxLeasesExpiredPerCommand = 1_000;
}
