using Polly;

namespace Cairn.Resilience.Retry;

/// <summary>Arguments of the callback invoked when a retry was wanted but the budget refused it.</summary>
/// <typeparam name="TResult">The result type of the pipeline.</typeparam>
/// <param name="Context">The context of the call.</param>
/// <param name="Outcome">The outcome that would have been retried; it is returned to the caller.</param>
/// <param name="AttemptNumber">The zero-based number of the attempt that produced <paramref name="Outcome"/>.</param>
public readonly record struct OnRetryBudgetExhaustedArguments<TResult>(ResilienceContext Context, Outcome<TResult> Outcome, int AttemptNumber);
