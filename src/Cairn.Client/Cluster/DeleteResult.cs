namespace Cairn.Client.Cluster;

/// <summary>The outcome of a delete.</summary>
/// <param name="Revision">The cluster revision after the delete.</param>
/// <param name="Deleted">Keys deleted: 0 when the key did not exist, else 1.</param>
public sealed record DeleteResult(long Revision, long Deleted);
