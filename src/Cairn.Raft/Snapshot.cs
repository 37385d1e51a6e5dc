namespace Cairn.Raft;

/// <summary>A state-machine snapshot: metadata plus the state machine's own bytes, opaque to the core.</summary>
/// <param name="Metadata">Position and membership.</param>
/// <param name="Data">The serialized state machine.</param>
public sealed record Snapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data)
{
    /// <summary>"No snapshot yet."</summary>
    public static readonly Snapshot Empty = new(SnapshotMetadata.Empty, ReadOnlyMemory<byte>.Empty);

    /// <summary>True for <see cref="Empty"/> or any snapshot at index zero.</summary>
    public bool IsEmpty => Metadata.Index == LogIndex.Zero;
}
