using Polly;
using Polly.CircuitBreaker;

namespace Cairn.Resilience.Retry;

/// <summary>Reads a Retry-After advice from an outcome.</summary>
public static class RetryAfterHints
{
    /// <summary>
    /// Finds the Retry-After advice in an outcome: the <c>Retry-After</c> header of an <see cref="HttpResponseMessage"/>
    /// result (seconds, or an HTTP date taken relative to <paramref name="timeProvider"/>'s UTC now), a result or an
    /// exception implementing <see cref="IRetryAfterHint"/>, or <see cref="BrokenCircuitException.RetryAfter"/>.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="outcome">The outcome of the last attempt.</param>
    /// <param name="timeProvider">The clock that turns an HTTP date into a delay.</param>
    /// <param name="delay">The advised delay, never negative.</param>
    /// <returns><see langword="true"/> if the outcome carries advice.</returns>
    public static bool TryGetRetryAfter<TResult>(in Outcome<TResult> outcome, TimeProvider timeProvider, out TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeSpan? advice = outcome.Exception switch
        {
            IRetryAfterHint hint => hint.RetryAfter,
            BrokenCircuitException broken => broken.RetryAfter,
            null => outcome.Result switch
            {
                HttpResponseMessage response => FromHeader(response, timeProvider),
                IRetryAfterHint hint => hint.RetryAfter,
                _ => null,
            },
            _ => null,
        };

        delay = advice is { } value && value > TimeSpan.Zero ? value : TimeSpan.Zero;
        return advice.HasValue;
    }

    private static TimeSpan? FromHeader(HttpResponseMessage response, TimeProvider timeProvider) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - timeProvider.GetUtcNow(),
            _ => null,
        };
}
