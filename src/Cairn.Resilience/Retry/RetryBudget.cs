using System.Runtime.CompilerServices;
using Cairn.Resilience.Internal;

namespace Cairn.Resilience.Retry;

/// <summary>
/// Caps retries as a share of recent requests, as Finagle's retry budget does: every request deposits
/// <c>RetryRatio</c> of a retry, every retry withdraws one, deposits expire after <c>Window</c>, and a floor of
/// <c>MinRetriesPerSecond</c> keeps low-traffic callers able to retry at all.
/// </summary>
/// <remarks>
/// <para>
/// Retries allowed at time t = <c>MinRetriesPerSecond × Window</c> + <c>RetryRatio × requests(t − Window, t]</c>
/// − <c>retries(t − Window, t]</c>. With the defaults (0.1 over 10 s, floor 10/s) a dependency that fails every
/// call sees at most about 1.1× its normal load plus 10 retries a second, never a retry storm.
/// </para>
/// <para>
/// Thread-safe. One budget may be shared by several pipelines that call the same dependency. Counts age out in
/// steps of a tenth of the window.
/// </para>
/// </remarks>
public sealed class RetryBudget
{
    /// <summary>The number of requests counted before they are put in a time bucket; a power of two.</summary>
    public const int DepositBatchSize = 64;

    private const int BucketCount = 10;

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _windowTicks;
    private readonly long _bucketTicks;
    private readonly double _floor;

    // Invariant: bucket i counts the requests put away and the retries made in [_starts[i], _starts[i] + _bucketTicks);
    // buckets a full window old are ignored. Guarded by _lock.
    private readonly long[] _starts = new long[BucketCount];
    private readonly long[] _requests = new long[BucketCount];
    private readonly int[] _retries = new int[BucketCount];
    private int _current;

    private long _totalRequests;

    // Requests counted but not yet in a bucket, and when the first of them was made; incremented without the
    // lock, drained under it.
    private long _pendingRequests;
    private long _pendingSinceTimestamp;
    private long _totalRetries;
    private long _totalRejected;

    /// <summary>Initializes a budget.</summary>
    /// <param name="retryRatio">Retries allowed per request over the window, in [0, 10]; 0.1 allows one retry per ten requests.</param>
    /// <param name="window">How long a request's deposit lasts, in [1 s, 1 h].</param>
    /// <param name="minRetriesPerSecond">Retries per second always allowed, whatever the traffic, in [0, 100000].</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public RetryBudget(double retryRatio, TimeSpan window, double minRetriesPerSecond, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryRatio, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(retryRatio, 10.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, TimeSpan.FromHours(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(minRetriesPerSecond, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minRetriesPerSecond, 100_000.0);

        _timeProvider = timeProvider ?? TimeProvider.System;
        RetryRatio = retryRatio;
        Window = window;
        MinRetriesPerSecond = minRetriesPerSecond;
        _windowTicks = Timestamps.FromTimeSpan(_timeProvider, window);
        _bucketTicks = Math.Max(1, _windowTicks / BucketCount);
        _floor = minRetriesPerSecond * window.TotalSeconds;
        Array.Fill(_starts, long.MinValue / 2);
    }

    /// <summary>Gets the retries allowed per request over the window.</summary>
    public double RetryRatio { get; }

    /// <summary>Gets how long a request's deposit lasts.</summary>
    public TimeSpan Window { get; }

    /// <summary>Gets the retries per second always allowed.</summary>
    public double MinRetriesPerSecond { get; }

    /// <summary>Gets the number of requests recorded since creation.</summary>
    public long TotalRequests => Interlocked.Read(ref _totalRequests) + Interlocked.Read(ref _pendingRequests);

    /// <summary>Gets the number of retries granted since creation.</summary>
    public long TotalRetries => Interlocked.Read(ref _totalRetries);

    /// <summary>Gets the number of retries refused because the budget was spent.</summary>
    public long TotalRetriesRejected => Interlocked.Read(ref _totalRejected);

    /// <summary>Gets the number of retries the budget would grant now (may be fractional; a retry needs at least 1).</summary>
    public double AvailableRetries
    {
        get
        {
            lock (_lock)
            {
                var now = _timeProvider.GetTimestamp();
                Flush_NeedsLock(now);
                return Available_NeedsLock(now);
            }
        }
    }

    /// <summary>Records an original request (not a retry); call it once per logical call.</summary>
    /// <remarks>
    /// This runs on every request while retries are rare, so it costs one atomic increment (and one clock read per
    /// batch): requests are put in a time bucket in batches of <see cref="DepositBatchSize"/>, or earlier when a
    /// retry is asked for. A batch whose first request is older than the window is dropped; a younger one counts
    /// as made when it is put away. So deposits never outlive their window by more than one window, and at most
    /// <c>DepositBatchSize × RetryRatio</c> retries ride on such late deposits.
    /// </remarks>
    public void RecordRequest()
    {
        // The hot path is the increment and one test, kept small enough to inline: 62 calls in 64 leave here. The
        // first request of a batch (pending 1) and the last (a multiple of the batch size) take the slow path.
        var pending = Interlocked.Increment(ref _pendingRequests);
        if ((pending & (DepositBatchSize - 1)) <= 1)
        {
            RecordRequestSlow(pending);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordRequestSlow(long pending)
    {
        if (pending == 1)
        {
            Volatile.Write(ref _pendingSinceTimestamp, _timeProvider.GetTimestamp());
        }

        if ((pending & (DepositBatchSize - 1)) == 0)
        {
            lock (_lock)
            {
                Flush_NeedsLock(_timeProvider.GetTimestamp());
            }
        }
    }

    /// <summary>Withdraws one retry if the budget holds at least one.</summary>
    /// <returns><see langword="true"/> if the caller may retry; otherwise <see langword="false"/> and the refusal is counted.</returns>
    public bool TryAcquireRetry()
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            Flush_NeedsLock(now);
            if (Available_NeedsLock(now) < 1.0)
            {
                Interlocked.Increment(ref _totalRejected);
                return false;
            }

            _retries[BucketFor_NeedsLock(now)]++;
            Interlocked.Increment(ref _totalRetries);
            return true;
        }
    }

    private void Flush_NeedsLock(long now)
    {
        var pending = Interlocked.Exchange(ref _pendingRequests, 0);
        if (pending == 0)
        {
            return;
        }

        Interlocked.Add(ref _totalRequests, pending);
        if (now - Volatile.Read(ref _pendingSinceTimestamp) < _windowTicks)
        {
            _requests[BucketFor_NeedsLock(now)] += pending;
        }
    }

    private double Available_NeedsLock(long now)
    {
        long requests = 0;
        long retries = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            if (now - _starts[i] < _windowTicks)
            {
                requests += _requests[i];
                retries += _retries[i];
            }
        }

        return _floor + (RetryRatio * requests) - retries;
    }

    private int BucketFor_NeedsLock(long now)
    {
        if (now - _starts[_current] >= _bucketTicks)
        {
            _current = (_current + 1) % BucketCount;
            _starts[_current] = now;
            _requests[_current] = 0;
            _retries[_current] = 0;
        }

        return _current;
    }
}
