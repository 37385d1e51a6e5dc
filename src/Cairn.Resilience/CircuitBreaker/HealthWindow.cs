namespace Cairn.Resilience.CircuitBreaker;

/// <summary>
/// Successes and failures over a rolling sampling window, kept in a ring of buckets so that old results
/// age out in steps of one tenth of the window rather than all at once.
/// </summary>
/// <remarks>Not thread-safe: the circuit controller calls it under its lock.</remarks>
internal sealed class HealthWindow
{
    private const int BucketCount = 10;

    private readonly long _windowTicks;
    private readonly long _bucketTicks;

    // Invariant: bucket i holds the results recorded in [_starts[i], _starts[i] + _bucketTicks);
    // a bucket whose start is a full window old or more is ignored by every read.
    private readonly long[] _starts = new long[BucketCount];
    private readonly int[] _successes = new int[BucketCount];
    private readonly int[] _failures = new int[BucketCount];
    private int _current;

    public HealthWindow(long windowTicks)
    {
        _windowTicks = windowTicks;
        _bucketTicks = Math.Max(1, windowTicks / BucketCount);
        Reset();
    }

    public void RecordSuccess(long now) => _successes[BucketFor(now)]++;

    public void RecordFailure(long now) => _failures[BucketFor(now)]++;

    /// <summary>Sums the buckets still inside the window at <paramref name="now"/>.</summary>
    public (int Total, int Failures) Read(long now)
    {
        int total = 0;
        int failures = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            if (now - _starts[i] < _windowTicks)
            {
                total += _successes[i] + _failures[i];
                failures += _failures[i];
            }
        }

        return (total, failures);
    }

    public void Reset()
    {
        // Start every bucket "long ago" so the first record opens a fresh bucket; halving keeps the subtraction
        // in Read from overflowing.
        Array.Fill(_starts, long.MinValue / 2);
        Array.Clear(_successes);
        Array.Clear(_failures);
        _current = 0;
    }

    private int BucketFor(long now)
    {
        if (now - _starts[_current] >= _bucketTicks)
        {
            _current = (_current + 1) % BucketCount;
            _starts[_current] = now;
            _successes[_current] = 0;
            _failures[_current] = 0;
        }

        return _current;
    }
}
