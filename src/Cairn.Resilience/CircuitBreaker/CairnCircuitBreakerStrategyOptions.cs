namespace Cairn.Resilience.CircuitBreaker;

/// <summary>Options of Cairn's circuit breaker for a non-generic <see cref="Polly.ResiliencePipelineBuilder"/>.</summary>
public class CairnCircuitBreakerStrategyOptions : CairnCircuitBreakerStrategyOptions<object>
{
}
