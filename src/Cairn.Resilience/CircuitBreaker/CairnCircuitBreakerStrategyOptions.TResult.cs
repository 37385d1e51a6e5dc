using System.ComponentModel.DataAnnotations;
using Polly;
using Polly.CircuitBreaker;

namespace Cairn.Resilience.CircuitBreaker;

/// <summary>
/// Options of Cairn's circuit breaker: Polly's familiar failure-ratio breaker plus a half-open state that admits
/// several trial calls and closes only when enough of them succeed.
/// </summary>
/// <typeparam name="TResult">The result type of the pipeline.</typeparam>
/// <remarks>
/// Polly validates these options (the DataAnnotations attributes) when the
/// strategy is added to a builder and throws <see cref="ValidationException"/> if they are invalid.
/// </remarks>
public class CairnCircuitBreakerStrategyOptions<TResult> : ResilienceStrategyOptions
{
    /// <summary>Initializes the options with the defaults documented on each property.</summary>
    public CairnCircuitBreakerStrategyOptions() => Name = "CairnCircuitBreaker";

    /// <summary>
    /// Gets or sets the share of handled failures among the calls in the sampling window at or above which the
    /// circuit opens. Range [0, 1]; default 0.1.
    /// </summary>
    [Range(0.0, 1.0)]
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets the number of calls the sampling window must hold before the failure ratio may open the
    /// circuit. Range [2, int.MaxValue]; default 100.
    /// </summary>
    [Range(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 100;

    /// <summary>Gets or sets the rolling window over which the failure ratio is computed. Range [0.5 s, 1 day]; default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the circuit stays open before it admits trial calls. Range [0.5 s, 1 day]; default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets an optional generator of the break duration, e.g. to back off when the circuit keeps reopening
    /// (<see cref="BreakDurationGeneratorArguments.HalfOpenAttempts"/> counts the consecutive failed half-open rounds).
    /// When <see langword="null"/>, <see cref="BreakDuration"/> is used.
    /// </summary>
    /// <remarks>
    /// Unlike Polly's asynchronous generator this one is synchronous, because it runs under the breaker's lock at
    /// the moment the circuit opens; it must be fast and must not block. Results below zero count as zero.
    /// </remarks>
    public Func<BreakDurationGeneratorArguments, TimeSpan>? BreakDurationGenerator { get; set; }

    /// <summary>
    /// Gets or sets how many trial calls the half-open state admits at once. Further calls are rejected with
    /// <see cref="BrokenCircuitException"/> until the round is decided. Range [1, 10000]; default 1 (Polly's behaviour).
    /// </summary>
    [Range(1, 10_000)]
    public int HalfOpenTrialCalls { get; set; } = 1;

    /// <summary>
    /// Gets or sets the share of the <see cref="HalfOpenTrialCalls"/> that must succeed for the circuit to close.
    /// The circuit closes as soon as that many have succeeded and reopens as soon as too many have failed for the
    /// ratio to be reachable. Range (0, 1]; default 1.
    /// </summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double HalfOpenSuccessRatio { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets the predicate that decides which outcomes are failures. Default: every exception except
    /// <see cref="OperationCanceledException"/>. Outcomes it does not handle count as successes, except an
    /// <see cref="OperationCanceledException"/> while the caller's token is cancelled, which counts as neither.
    /// </summary>
    [Required]
    public Func<CircuitBreakerPredicateArguments<TResult>, ValueTask<bool>> ShouldHandle { get; set; } =
        static args => new ValueTask<bool>(args.Outcome.Exception is not null and not OperationCanceledException);

    /// <summary>Gets or sets an optional handle to isolate and close the circuit by hand; one control may drive several breakers.</summary>
    public CairnCircuitBreakerManualControl? ManualControl { get; set; }

    /// <summary>Gets or sets an optional handle that reads the circuit's state; it may be attached to one breaker only.</summary>
    public CairnCircuitBreakerStateProvider? StateProvider { get; set; }

    /// <summary>Gets or sets a callback invoked after the circuit opens (also when isolated by hand).</summary>
    public Func<OnCircuitOpenedArguments<TResult>, ValueTask>? OnOpened { get; set; }

    /// <summary>Gets or sets a callback invoked after the circuit closes (also when closed by hand).</summary>
    public Func<OnCircuitClosedArguments<TResult>, ValueTask>? OnClosed { get; set; }

    /// <summary>Gets or sets a callback invoked when the circuit moves from open to half-open.</summary>
    public Func<OnCircuitHalfOpenedArguments, ValueTask>? OnHalfOpened { get; set; }
}
