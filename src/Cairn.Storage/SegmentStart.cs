using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>The state a segment began from, so older segments can be deleted and continuity checked.</summary>
/// <param name="HardState">The hard state when the segment began.</param>
/// <param name="SnapshotIndex">The snapshot's index when the segment began.</param>
/// <param name="SnapshotTerm">The snapshot's term when the segment began.</param>
/// <param name="LastIndex">The last log index when the segment began.</param>
internal readonly record struct SegmentStart(HardState HardState, LogIndex SnapshotIndex, Term SnapshotTerm, LogIndex LastIndex);
