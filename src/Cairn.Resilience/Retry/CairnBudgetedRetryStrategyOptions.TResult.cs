using System.ComponentModel.DataAnnotations;
using Polly.Retry;

namespace Cairn.Resilience.Retry;

/// <summary>
/// Polly's retry options plus a <see cref="RetryBudget"/> that caps retries as a share of recent requests, and
/// Retry-After advice honoured by default.
/// </summary>
/// <typeparam name="TResult">The result type of the pipeline.</typeparam>
/// <remarks>
/// Everything Polly's retry offers (backoff, jitter, <see cref="RetryStrategyOptions{TResult}.Randomizer"/>,
/// <see cref="RetryStrategyOptions{TResult}.OnRetry"/>) works unchanged; the budget is consulted only after
/// <see cref="RetryStrategyOptions{TResult}.ShouldHandle"/> has decided to retry. Validated when added to a builder.
/// </remarks>
public class CairnBudgetedRetryStrategyOptions<TResult> : RetryStrategyOptions<TResult>
{
    /// <summary>Initializes the options with the defaults documented on each property.</summary>
    public CairnBudgetedRetryStrategyOptions() => Name = "CairnBudgetedRetry";

    /// <summary>
    /// Gets or sets a budget to use, e.g. one shared by every pipeline calling the same dependency. When
    /// <see langword="null"/>, the first build creates one from <see cref="RetryRatio"/>, <see cref="BudgetWindow"/>
    /// and <see cref="MinRetriesPerSecond"/> on the builder's <see cref="TimeProvider"/>, and later builds share it.
    /// </summary>
    public RetryBudget? Budget { get; set; }

    /// <summary>Gets or sets the retries allowed per request over the window, in [0, 10]; default 0.1.</summary>
    [Range(0.0, 10.0)]
    public double RetryRatio { get; set; } = 0.1;

    /// <summary>Gets or sets how long a request's deposit lasts, in [1 s, 1 h]; default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BudgetWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the retries per second always allowed, in [0, 100000]; default 10.</summary>
    [Range(0.0, 100_000.0)]
    public double MinRetriesPerSecond { get; set; } = 10;

    /// <summary>
    /// Gets or sets a value indicating whether a Retry-After advice in the outcome (see
    /// <see cref="RetryAfterHints.TryGetRetryAfter{TResult}"/>) replaces the computed delay. Default
    /// <see langword="true"/>. Polly still caps the delay at <see cref="RetryStrategyOptions{TResult}.MaxDelay"/> when set.
    /// </summary>
    public bool HonorRetryAfter { get; set; } = true;

    /// <summary>Gets or sets a callback invoked when a retry was wanted but the budget refused it.</summary>
    public Func<OnRetryBudgetExhaustedArguments<TResult>, ValueTask>? OnBudgetExhausted { get; set; }
}
