namespace Cairn.State.Kv;

/// <summary>A granted lease. Invariant: <see cref="Keys"/> holds exactly the keys whose LeaseId is <see cref="Id"/>.</summary>
internal sealed class Lease(ulong id, ulong ttlMs, ulong deadlineMs)
{
    public ulong Id { get; } = id;

    public ulong TtlMs { get; } = ttlMs;

    /// <summary>The committed time at which the lease expires.</summary>
    public ulong DeadlineMs { get; set; } = deadlineMs;

    public SortedSet<byte[]> Keys { get; } = new(ByteKeyComparer.Instance);
}
