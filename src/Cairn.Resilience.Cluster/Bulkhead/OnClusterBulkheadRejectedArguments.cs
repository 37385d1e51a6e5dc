namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>Arguments of <see cref="ClusterBulkheadEvents.Rejected"/> and of <see cref="CairnClusterBulkheadStrategyOptions.OnRejected"/>.</summary>
/// <param name="Context">The rejected call's context.</param>
/// <param name="SemaphoreName">The semaphore.</param>
/// <param name="Reason">Why the call was rejected.</param>
public readonly record struct OnClusterBulkheadRejectedArguments(Polly.ResilienceContext Context, string SemaphoreName, ClusterBulkheadRejectionReason Reason);
