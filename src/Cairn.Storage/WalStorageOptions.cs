namespace Cairn.Storage;

/// <summary>Settings of a <see cref="WalStorage"/>; validated when the storage opens.</summary>
public sealed class WalStorageOptions
{
    /// <summary>Upper bound accepted for <see cref="SegmentSizeBytes"/>: recovery reads a segment into one buffer.</summary>
    public const long MaxSegmentSizeBytes = 512L << 20;

    /// <summary>
    /// The size each segment file is preallocated to (zero-filled and synced before it is used, so appends only
    /// overwrite existing blocks and fdatasync has no size or block-map change to flush). A batch larger than the
    /// remaining space starts a new segment; a batch larger than a whole segment makes that segment grow.
    /// Default 64 MiB; between 4 KiB and <see cref="MaxSegmentSizeBytes"/>, a multiple of 8.
    /// </summary>
    public long SegmentSizeBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Payload bytes of the newest entries kept in memory so the Raft core's reads do not touch the disk; older
    /// entries are read back from their segment. Terms and file positions of every live entry are always in
    /// memory (about 40 bytes each). Default 64 MiB; zero disables the cache.
    /// </summary>
    public long EntryCacheBytes { get; init; } = 64L << 20;

    /// <summary>
    /// How many snapshot files to keep, the newest included. Default 2; at least 1. The WAL is kept back to the
    /// oldest of them, so recovery can fall back to an older snapshot when the newest file is damaged; with 1 it
    /// cannot, and a damaged snapshot file refuses the start.
    /// </summary>
    public int RetainedSnapshotCount { get; init; } = 2;

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (SegmentSizeBytes < 4096 || SegmentSizeBytes > MaxSegmentSizeBytes || SegmentSizeBytes % StorageFormat.RecordAlignment != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSizeBytes), SegmentSizeBytes, $"must be a multiple of 8 between 4096 and {MaxSegmentSizeBytes}");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(EntryCacheBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetainedSnapshotCount, 1);
    }
}
