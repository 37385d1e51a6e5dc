namespace Cairn.Resilience.Concurrency;

/// <summary>
/// Counts calls in flight against a limit that moves by AIMD: +1 after a fast call made while at least half the
/// limit was in use, × backoff after a slow or overloaded call, always within [min, max].
/// </summary>
/// <remarks>
/// Thread-safe. Acquiring is a compare-and-swap loop on the in-flight count, so the count never exceeds the limit
/// read at that moment; the limit itself changes under a lock. Every successful <see cref="TryAcquire"/> must be
/// paired with exactly one <see cref="Release"/>, whatever happens to the call.
/// </remarks>
internal sealed class AimdLimiter
{
    private readonly Lock _lock = new();
    private readonly int _minLimit;
    private readonly int _maxLimit;
    private readonly double _backoffRatio;

    // Invariant: 0 <= _inFlight; _inFlight <= _limit held when each call was admitted.
    private int _inFlight;

    // Invariant: _minLimit <= _limit <= _maxLimit. Written under _lock; _limit is its floor, read lock-free.
    private double _exactLimit;
    private volatile int _limit;
    private long _rejected;

    public AimdLimiter(int initialLimit, int minLimit, int maxLimit, double backoffRatio)
    {
        _minLimit = minLimit;
        _maxLimit = maxLimit;
        _backoffRatio = backoffRatio;
        _exactLimit = initialLimit;
        _limit = initialLimit;
    }

    public int Limit => _limit;

    public int InFlight => Volatile.Read(ref _inFlight);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Takes a permit if fewer than the limit are in flight.</summary>
    /// <param name="inFlight">The calls in flight including this one, when admitted.</param>
    public bool TryAcquire(out int inFlight)
    {
        var current = Volatile.Read(ref _inFlight);
        while (current < _limit)
        {
            var seen = Interlocked.CompareExchange(ref _inFlight, current + 1, current);
            if (seen == current)
            {
                inFlight = current + 1;
                return true;
            }

            current = seen;
        }

        Interlocked.Increment(ref _rejected);
        inFlight = current;
        return false;
    }

    /// <summary>Returns a permit and adapts the limit.</summary>
    /// <param name="inFlightAtStart">What <see cref="TryAcquire"/> reported for this call.</param>
    /// <param name="signal">Whether the call was an overload signal; <see langword="null"/> leaves the limit alone.</param>
    /// <returns>The limit before and after.</returns>
    public (int Before, int After) Release(int inFlightAtStart, bool? signal)
    {
        Interlocked.Decrement(ref _inFlight);
        if (signal is not { } overloaded)
        {
            return (_limit, _limit);
        }

        lock (_lock)
        {
            var before = _limit;
            if (overloaded)
            {
                _exactLimit = Math.Max(_minLimit, _exactLimit * _backoffRatio);
            }
            else if (inFlightAtStart * 2 >= before)
            {
                // Grow only when the limit was actually in use; an idle client must not inflate it.
                _exactLimit = Math.Min(_maxLimit, _exactLimit + 1);
            }

            _limit = (int)_exactLimit;
            return (before, _limit);
        }
    }
}
