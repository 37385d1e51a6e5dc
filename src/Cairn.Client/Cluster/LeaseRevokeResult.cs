namespace Cairn.Client.Cluster;

/// <summary>The outcome of revoking a lease.</summary>
/// <param name="Revision">The cluster revision in which the lease and its keys were deleted.</param>
/// <param name="DeletedKeys">How many keys were attached to it and are now deleted.</param>
public sealed record LeaseRevokeResult(long Revision, long DeletedKeys);
