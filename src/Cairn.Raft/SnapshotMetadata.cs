namespace Cairn.Raft;

/// <summary>Where a snapshot sits in the log and the membership in force there.</summary>
/// <param name="Index">The last log index the snapshot includes.</param>
/// <param name="Term">The term of the entry at <paramref name="Index"/>.</param>
/// <param name="Membership">The membership as of <paramref name="Index"/>.</param>
public sealed record SnapshotMetadata(LogIndex Index, Term Term, Membership Membership)
{
    /// <summary>The metadata of "no snapshot yet".</summary>
    public static readonly SnapshotMetadata Empty = new(LogIndex.Zero, Term.Zero, Membership.Empty);
}
