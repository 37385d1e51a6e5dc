namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>Arguments of <see cref="SharedCircuitBreakerEvents.Opened"/> and of <see cref="CairnSharedCircuitBreakerStrategyOptions{TResult}.OnSharedCircuitOpened"/>.</summary>
/// <param name="Dependency">The dependency.</param>
/// <param name="Reporters">Distinct instances reporting it down.</param>
/// <param name="Threshold">Reporters needed to open.</param>
public readonly record struct OnSharedCircuitOpenedArguments(string Dependency, int Reporters, int Threshold);
