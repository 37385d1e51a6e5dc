using Polly.CircuitBreaker;

namespace Cairn.Resilience.CircuitBreaker;

/// <summary>Reads the state of one Cairn circuit breaker, e.g. for health checks and dashboards.</summary>
/// <remarks>Thread-safe. Attach it to a breaker through <see cref="CairnCircuitBreakerStrategyOptions{TResult}.StateProvider"/>.</remarks>
public sealed class CairnCircuitBreakerStateProvider
{
    private CircuitController? _controller;

    /// <summary>Gets the circuit's state; <see cref="CircuitState.Closed"/> before the pipeline is built.</summary>
    /// <remarks>An open circuit whose break has elapsed reads as open until the next call moves it to half-open.</remarks>
    public CircuitState CircuitState => _controller?.State ?? CircuitState.Closed;

    /// <summary>Gets the number of half-open trial calls admitted and not yet finished in the current round.</summary>
    public int HalfOpenTrialsInFlight => _controller?.HalfOpenTrialsInFlight ?? 0;

    internal void Attach(CircuitController controller)
    {
        if (Interlocked.CompareExchange(ref _controller, controller, null) is not null)
        {
            throw new InvalidOperationException("This state provider is already attached to a circuit breaker.");
        }
    }
}
