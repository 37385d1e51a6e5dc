namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>Arguments of <see cref="SharedCircuitBreakerEvents.Closed"/> and of <see cref="CairnSharedCircuitBreakerStrategyOptions{TResult}.OnSharedCircuitClosed"/>.</summary>
/// <param name="Dependency">The dependency.</param>
/// <param name="Reporters">Distinct instances still reporting it down (fewer than the threshold).</param>
/// <param name="Threshold">Reporters needed to open.</param>
public readonly record struct OnSharedCircuitClosedArguments(string Dependency, int Reporters, int Threshold);
