using System.ComponentModel.DataAnnotations;
using Polly;
using Polly.Timeout;

namespace Cairn.Resilience.Concurrency;

/// <summary>
/// Options of the adaptive concurrency limit: a bulkhead whose limit grows while calls are fast and shrinks
/// multiplicatively when they slow down or time out (AIMD, as Netflix's concurrency-limits <c>AIMDLimit</c>).
/// </summary>
/// <remarks>
/// Unlike Polly's concurrency limiter there is no queue: a call over the limit is rejected at once with
/// <see cref="ConcurrencyLimitExceededException"/>, because a queue would hide the latency the limit follows.
/// Validated when added to a builder (attributes, then <see cref="Validate"/>).
/// </remarks>
public class CairnAdaptiveConcurrencyLimitStrategyOptions : ResilienceStrategyOptions, IValidatableObject
{
    /// <summary>Initializes the options with the defaults documented on each property.</summary>
    public CairnAdaptiveConcurrencyLimitStrategyOptions() => Name = "CairnAdaptiveConcurrencyLimit";

    /// <summary>Gets or sets the limit at start, in [<see cref="MinLimit"/>, <see cref="MaxLimit"/>]; default 20.</summary>
    [Range(1, 1_000_000)]
    public int InitialLimit { get; set; } = 20;

    /// <summary>Gets or sets the lowest the limit may fall, at least 1; default 1.</summary>
    [Range(1, 1_000_000)]
    public int MinLimit { get; set; } = 1;

    /// <summary>Gets or sets the highest the limit may grow; default 200.</summary>
    [Range(1, 1_000_000)]
    public int MaxLimit { get; set; } = 200;

    /// <summary>Gets or sets the factor the limit is multiplied by on an overload signal, in [0.5, 0.99]; default 0.9.</summary>
    [Range(0.5, 0.99)]
    public double BackoffRatio { get; set; } = 0.9;

    /// <summary>
    /// Gets or sets the latency above which a call counts as an overload signal. Range [1 ms, 1 h]; default 1 s.
    /// Set it a little above the dependency's healthy tail latency.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan LatencyThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets which exceptions count as overload signals besides slowness. Default: Polly's
    /// <see cref="TimeoutRejectedException"/>. Other outcomes count as fast or slow by latency only.
    /// </summary>
    [Required]
    public Func<Exception, bool> IsOverloadSignal { get; set; } = static exception => exception is TimeoutRejectedException;

    /// <summary>Gets or sets an optional handle that reads the limit and the calls in flight; it may be attached to one strategy only.</summary>
    public AdaptiveConcurrencyLimitStateProvider? StateProvider { get; set; }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinLimit > MaxLimit || InitialLimit < MinLimit || InitialLimit > MaxLimit)
        {
            yield return new ValidationResult(
                "The limits must satisfy MinLimit <= InitialLimit <= MaxLimit.",
                [nameof(MinLimit), nameof(InitialLimit), nameof(MaxLimit)]);
        }
    }
}
