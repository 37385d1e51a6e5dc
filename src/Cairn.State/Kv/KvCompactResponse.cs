namespace Cairn.State.Kv;

/// <summary>A compaction's response.</summary>
/// <param name="Revision">The current revision (compaction does not advance it).</param>
/// <param name="CompactRevision">The new compaction point: the oldest revision a watch may start from.</param>
public sealed record KvCompactResponse(ulong Revision, ulong CompactRevision) : StateResponse;
