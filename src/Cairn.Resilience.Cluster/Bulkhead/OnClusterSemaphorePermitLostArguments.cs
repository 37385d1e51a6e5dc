namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>Arguments of <see cref="ClusterBulkheadEvents.PermitLost"/>.</summary>
/// <param name="SemaphoreName">The semaphore.</param>
/// <param name="Slot">The slot that was lost.</param>
/// <param name="FencingToken">The lost permit's fencing token.</param>
public readonly record struct OnClusterSemaphorePermitLostArguments(string SemaphoreName, int Slot, long FencingToken);
