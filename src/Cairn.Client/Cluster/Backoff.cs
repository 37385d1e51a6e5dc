namespace Cairn.Client.Cluster;

/// <summary>
/// Capped exponential backoff with full jitter: the delay before retry n (n from 1) is uniform in
/// [0, min(maxDelay, baseDelay × 2^(n−1))). The jitter comes from a seeded SplitMix64 stream, so a seed replays the same
/// delays. Thread-safe: each draw advances the state with one atomic add.
/// </summary>
internal sealed class Backoff(TimeSpan baseDelay, TimeSpan maxDelay, long seed)
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;
    private long _state = seed;

    /// <summary>The upper bound of the delay before retry <paramref name="retry"/> (from 1).</summary>
    public TimeSpan Ceiling(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);

        // Doubling in floating point cannot overflow; the cap applies before converting back to ticks.
        var ticks = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 62)));
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Draws the delay before retry <paramref name="retry"/> (from 1), in whole milliseconds (the resolution of timers).</summary>
    public TimeSpan NextDelay(int retry) => TimeSpan.FromMilliseconds(Math.Floor(Ceiling(retry).TotalMilliseconds * NextUnit()));

    /// <summary>A uniform draw from [0, 1) with 53 bits of precision.</summary>
    internal double NextUnit()
    {
        var z = (ulong)Interlocked.Add(ref _state, unchecked((long)Gamma));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
