using Polly;

namespace Cairn.Resilience.Concurrency;

/// <summary>The adaptive concurrency limit was reached; the call was rejected without running.</summary>
/// <remarks>
/// Derives from Polly's <see cref="ExecutionRejectedException"/>, so predicates that handle Polly's rejections
/// handle it too. Retrying at once against the same dependency rarely helps: the limit fell because it is slow.
/// </remarks>
public sealed class ConcurrencyLimitExceededException : ExecutionRejectedException
{
    /// <summary>Initializes an exception with a default message.</summary>
    public ConcurrencyLimitExceededException()
        : this("The adaptive concurrency limit is reached; the call was rejected without running.")
    {
    }

    /// <summary>Initializes an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ConcurrencyLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public ConcurrencyLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes an exception that states the limit at the time of rejection.</summary>
    /// <param name="limit">The limit that was reached.</param>
    public ConcurrencyLimitExceededException(int limit)
        : this($"The adaptive concurrency limit of {limit} calls in flight is reached; the call was rejected without running.") =>
        Limit = limit;

    /// <summary>Gets the limit that was reached, or 0 when unknown.</summary>
    public int Limit { get; }
}
