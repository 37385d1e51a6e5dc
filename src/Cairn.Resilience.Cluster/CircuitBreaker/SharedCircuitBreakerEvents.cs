namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>Names of the telemetry events the shared circuit breaker reports through Polly, besides the local breaker's own.</summary>
public static class SharedCircuitBreakerEvents
{
    /// <summary>Enough instances report the dependency down: calls are rejected with <see cref="SharedCircuitOpenException"/>.</summary>
    public const string Opened = "OnSharedCircuitOpened";

    /// <summary>Too few instances report the dependency down any more: calls reach the local breaker again.</summary>
    public const string Closed = "OnSharedCircuitClosed";
}
