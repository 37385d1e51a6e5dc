namespace Cairn.Client.LoadBalancing;

/// <summary>
/// Probes every endpoint of a source on a timer and marks it healthy or not (active health), so an endpoint that
/// is down is skipped before any call fails on it, and one that is back gets traffic again.
/// </summary>
/// <remarks>
/// The timer comes from the given <see cref="TimeProvider"/>, so tests drive it with a fake clock. Rounds never
/// overlap: a tick that arrives while a round runs is skipped. A probe that throws or exceeds the probe timeout
/// marks the endpoint unhealthy. Dispose to stop probing.
/// </remarks>
public sealed class ActiveHealthChecker : IAsyncDisposable
{
    private readonly EndpointSource _source;
    private readonly Func<BackendEndpoint, CancellationToken, ValueTask<bool>> _probe;
    private readonly TimeSpan _probeTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private int _running;
    private long _roundsCompleted;

    /// <summary>Initializes and starts a checker.</summary>
    /// <param name="source">The endpoints to probe.</param>
    /// <param name="probe">Returns whether an endpoint is healthy; must honour the token.</param>
    /// <param name="interval">Time between rounds, in [10 ms, 1 h].</param>
    /// <param name="probeTimeout">Time one probe may take, in [1 ms, <paramref name="interval"/>].</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public ActiveHealthChecker(
        EndpointSource source,
        Func<BackendEndpoint, CancellationToken, ValueTask<bool>> probe,
        TimeSpan interval,
        TimeSpan probeTimeout,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(interval, TimeSpan.FromHours(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(probeTimeout, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probeTimeout, interval);
        _source = source;
        _probe = probe;
        _probeTimeout = probeTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _timer = _timeProvider.CreateTimer(static state => _ = ((ActiveHealthChecker)state!).ProbeAllAsync(), this, interval, interval);
    }

    /// <summary>Gets the number of rounds completed.</summary>
    public long RoundsCompleted => Interlocked.Read(ref _roundsCompleted);

    /// <summary>Probes every endpoint once, now; returns at once if a round is already running.</summary>
    /// <returns>A task that completes when the round ends.</returns>
    public async Task ProbeAllAsync()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var endpoint in _source.Endpoints)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                _source.SetHealthy(endpoint, await ProbeAsync(endpoint).ConfigureAwait(false));
            }

            Interlocked.Increment(ref _roundsCompleted);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        // Not disposed: a round still running reads its token, and a source without timers holds no resources.
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    private async ValueTask<bool> ProbeAsync(BackendEndpoint endpoint)
    {
        using var timeout = new CancellationTokenSource(_probeTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        try
        {
            return await _probe(endpoint, linked.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever went wrong, an endpoint we cannot confirm is not one to send traffic to.
            return false;
        }
    }
}
