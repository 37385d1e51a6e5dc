using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>
/// Capped exponential backoff with full jitter (the delay is uniform in [0, min(cap, base × 2^attempt)]), as in the
/// AWS architecture blog's "Exponential Backoff and Jitter": full jitter spreads the reconnects of many nodes that
/// lost a peer at the same moment. Seeded, so a test replays the same delays. Not thread-safe: one per peer loop.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly SplitMix64 _random;

    /// <summary>Creates a backoff; <paramref name="baseDelay"/> must be positive and not above <paramref name="maxDelay"/>.</summary>
    public ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _random = new SplitMix64(seed);
    }

    /// <summary>The ceiling for <paramref name="attempt"/> (0 for the first retry): min(cap, base × 2^attempt).</summary>
    public TimeSpan Ceiling(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var ticks = _baseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 40));
        return ticks >= _maxDelay.Ticks ? _maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay before retry number <paramref name="attempt"/>: uniform in [0, <see cref="Ceiling"/>].</summary>
    public TimeSpan Next(int attempt)
    {
        var fraction = (_random.NextUInt64() >> 11) * (1.0 / (1UL << 53));
        return TimeSpan.FromTicks((long)(Ceiling(attempt).Ticks * fraction));
    }
}
