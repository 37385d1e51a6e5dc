using System.ComponentModel.DataAnnotations;
using Cairn.Resilience.CircuitBreaker;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>
/// Options of the shared circuit breaker: every option of Cairn's circuit breaker (for this instance's own breaker),
/// plus the <see cref="SharedCircuit"/> through which the instance reports its breaker and learns whether the fleet
/// holds the dependency's circuit open.
/// </summary>
/// <typeparam name="TResult">The result type of the pipeline.</typeparam>
/// <remarks>
/// Validated when added to a builder (<see cref="ValidationException"/>). The local breaker's <c>OnOpened</c> and
/// <c>OnClosed</c> callbacks still run; the report is made before them.
/// </remarks>
public class CairnSharedCircuitBreakerStrategyOptions<TResult> : CairnCircuitBreakerStrategyOptions<TResult>
{
    /// <summary>Initializes the options with the defaults documented on each property.</summary>
    public CairnSharedCircuitBreakerStrategyOptions() => Name = "CairnSharedCircuitBreaker";

    /// <summary>Gets or sets the dependency's shared circuit; required. One circuit may serve several pipelines.</summary>
    [Required]
    public SharedCircuit? SharedCircuit { get; set; }

    /// <summary>Gets or sets a callback invoked, on a background thread, after the fleet opens the shared circuit.</summary>
    public Func<OnSharedCircuitOpenedArguments, ValueTask>? OnSharedCircuitOpened { get; set; }

    /// <summary>Gets or sets a callback invoked, on a background thread, after the fleet's shared circuit closes.</summary>
    public Func<OnSharedCircuitClosedArguments, ValueTask>? OnSharedCircuitClosed { get; set; }
}
