namespace Cairn.Resilience.Retry;

/// <summary>
/// Implemented by exceptions (or results) that carry the server's advice on when to try again, so a budgeted
/// retry can wait that long instead of its own backoff.
/// </summary>
public interface IRetryAfterHint
{
    /// <summary>Gets how long to wait before the next attempt, or <see langword="null"/> when the server gave no advice.</summary>
    TimeSpan? RetryAfter { get; }
}
