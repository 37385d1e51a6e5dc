namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>Options of the shared circuit breaker for a non-generic <see cref="Polly.ResiliencePipelineBuilder"/>.</summary>
public class CairnSharedCircuitBreakerStrategyOptions : CairnSharedCircuitBreakerStrategyOptions<object>
{
}
