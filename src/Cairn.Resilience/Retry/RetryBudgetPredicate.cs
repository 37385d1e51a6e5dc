using Polly.Retry;

namespace Cairn.Resilience.Retry;

/// <summary>
/// Puts a <see cref="RetryBudget"/> into the <see cref="RetryStrategyOptions{TResult}.ShouldHandle"/> of a plain
/// Polly retry, without adding a strategy to the pipeline.
/// </summary>
/// <remarks>
/// This is the cheapest way to budget retries: Polly asks the predicate once per attempt, so the first attempt's
/// call records the request and later calls withdraw retries. Unlike <c>AddCairnBudgetedRetry</c> it reports a
/// refused retry only to its <c>onExhausted</c> callback, not as a Polly telemetry event (reporting needs a strategy
/// of its own in the pipeline, which costs about as much as the retry's success path), and it leaves the delay
/// alone (call <see cref="RetryAfterHints.TryGetRetryAfter{TResult}"/> from a delay generator for Retry-After).
/// </remarks>
public static class RetryBudgetPredicate
{
    /// <summary>Wraps a retry predicate so that retries are granted only while the budget holds.</summary>
    /// <typeparam name="TResult">The result type of the pipeline.</typeparam>
    /// <param name="budget">The budget; shared by every pipeline that calls the same dependency.</param>
    /// <param name="shouldHandle">The predicate that decides which outcomes deserve a retry.</param>
    /// <param name="maxRetryAttempts">The retry options' <see cref="RetryStrategyOptions{TResult}.MaxRetryAttempts"/>: Polly asks the predicate after the last attempt too, which must not be charged.</param>
    /// <param name="onExhausted">Called, synchronously, when a retry is refused.</param>
    /// <returns>The predicate to set as <see cref="RetryStrategyOptions{TResult}.ShouldHandle"/>.</returns>
    public static Func<RetryPredicateArguments<TResult>, ValueTask<bool>> Create<TResult>(
        RetryBudget budget,
        Func<RetryPredicateArguments<TResult>, ValueTask<bool>> shouldHandle,
        int maxRetryAttempts,
        Action<OnRetryBudgetExhaustedArguments<TResult>>? onExhausted = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shouldHandle);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetryAttempts, 1);

        bool Withdraw(RetryPredicateArguments<TResult> args)
        {
            if (args.AttemptNumber >= maxRetryAttempts || budget.TryAcquireRetry())
            {
                return true;
            }

            onExhausted?.Invoke(new OnRetryBudgetExhaustedArguments<TResult>(args.Context, args.Outcome, args.AttemptNumber));
            return false;
        }

        async ValueTask<bool> SlowAsync(ValueTask<bool> handled, RetryPredicateArguments<TResult> args) =>
            await handled.ConfigureAwait(args.Context.ContinueOnCapturedContext) && Withdraw(args);

        return args =>
        {
            if (args.AttemptNumber == 0)
            {
                budget.RecordRequest();
            }

            var handled = shouldHandle(args);
            if (handled.IsCompletedSuccessfully)
            {
                return new ValueTask<bool>(handled.Result && Withdraw(args));
            }

            return SlowAsync(handled, args);
        };
    }
}
