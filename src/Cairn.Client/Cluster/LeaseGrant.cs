namespace Cairn.Client.Cluster;

/// <summary>A granted lease.</summary>
/// <param name="Id">The lease id, for <see cref="CairnClient.PutAsync(string, ReadOnlyMemory{byte}, long, CancellationToken)"/> and the keep-alive.</param>
/// <param name="Ttl">Its time to live: the keys attached to it are deleted this long after the last renewal.</param>
public sealed record LeaseGrant(long Id, TimeSpan Ttl);
