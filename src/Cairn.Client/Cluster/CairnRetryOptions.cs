namespace Cairn.Client.Cluster;

/// <summary>
/// How <see cref="CairnClient"/> retries transient failures: capped exponential backoff with full jitter. Before the
/// n-th retry (n from 1) the client waits a uniformly random time in [0, min(<see cref="MaxDelay"/>,
/// <see cref="BaseDelay"/> × 2^(n−1))), then tries the next endpoint; a not-leader answer naming the leader's URL is
/// followed at once, without waiting. Read once when the client is created.
/// </summary>
public sealed class CairnRetryOptions
{
    /// <summary>Attempts per call, the first included (1 disables retries). 1 to 100; default 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The backoff ceiling before the first retry; doubles per retry. 0 to <see cref="MaxDelay"/>; default 50 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The largest backoff ceiling. At least <see cref="BaseDelay"/>, at most 1 minute; default 1 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        if (MaxAttempts is < 1 or > 100)
        {
            throw new ArgumentException($"Retry.MaxAttempts: {MaxAttempts}; must be 1 to 100", nameof(MaxAttempts));
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > MaxDelay)
        {
            throw new ArgumentException($"Retry.BaseDelay: {BaseDelay}; must be 0 to MaxDelay ({MaxDelay})", nameof(BaseDelay));
        }

        if (MaxDelay > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"Retry.MaxDelay: {MaxDelay}; the limit is 1 minute", nameof(MaxDelay));
        }
    }
}
