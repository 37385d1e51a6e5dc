namespace Cairn.Resilience.CircuitBreaker;

/// <summary>
/// Names of the telemetry events the breaker reports through Polly; they match Polly's own breaker events so
/// dashboards built on the <c>Polly</c> meter need no change.
/// </summary>
public static class CairnCircuitBreakerEvents
{
    /// <summary>The circuit opened or was isolated.</summary>
    public const string Opened = "OnCircuitOpened";

    /// <summary>The circuit closed, after enough trial calls succeeded or by hand.</summary>
    public const string Closed = "OnCircuitClosed";

    /// <summary>The break elapsed and the circuit admits trial calls.</summary>
    public const string HalfOpened = "OnCircuitHalfOpened";
}
