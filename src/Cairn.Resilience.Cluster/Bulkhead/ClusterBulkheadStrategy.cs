using Cairn.Client.Cluster;
using Polly;
using Polly.Telemetry;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>The Polly strategy around a <see cref="ClusterSemaphore"/>: acquire (queue, timeout), run holding the permit, release.</summary>
/// <remarks>
/// Thread-safe. Every acquired permit is released in <c>finally</c>, whatever the callback does; the semaphore itself
/// makes sure a cancelled acquisition leaves nothing held.
/// </remarks>
internal sealed class ClusterBulkheadStrategy : ResilienceStrategy
{
    private static readonly ResilienceEvent _rejectedEvent = new(ResilienceEventSeverity.Warning, ClusterBulkheadEvents.Rejected);
    private static readonly ResilienceEvent _lostEvent = new(ResilienceEventSeverity.Error, ClusterBulkheadEvents.PermitLost);

    private readonly ClusterSemaphore _semaphore;
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly int _queueLimit;
    private readonly TimeSpan _waitTimeout;
    private readonly Func<OnClusterBulkheadRejectedArguments, ValueTask>? _onRejected;

    // Calls of this pipeline in their acquisition with permission to wait. Invariant: at most _queueLimit.
    private int _waiting;

    public ClusterBulkheadStrategy(CairnClusterBulkheadStrategyOptions options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        _semaphore = options.Semaphore!;
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _queueLimit = options.QueueLimit;
        _waitTimeout = options.WaitTimeout;
        _onRejected = options.OnRejected;
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var (permit, rejection) = await AcquireAsync(context).ConfigureAwait(context.ContinueOnCapturedContext);
        if (permit is null)
        {
            return await RejectAsync<TResult>(rejection!, context).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        // Polly lets only its own strategies replace the context's token, so the callback links permit.Lost itself.
        var previous = context.Properties.GetValue(ClusterBulkheadResilienceContextExtensions.PermitKey, null);
        Outcome<TResult> outcome;
        bool lost;
        try
        {
            context.Properties.Set(ClusterBulkheadResilienceContextExtensions.PermitKey, permit);
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            context.Properties.Set(ClusterBulkheadResilienceContextExtensions.PermitKey, previous);
            lost = permit.IsLost;
            await permit.DisposeAsync().ConfigureAwait(context.ContinueOnCapturedContext);
        }

        if (!lost)
        {
            return outcome;
        }

        _telemetry.Report(_lostEvent, context, new OnClusterSemaphorePermitLostArguments(_semaphore.Name, permit.Slot, permit.FencingToken));

        // A cancellation the caller did not ask for, after the permit was lost, is the callback stopping for that reason.
        return outcome.Exception is OperationCanceledException cancelled && !context.CancellationToken.IsCancellationRequested
            ? Outcome.FromException<TResult>(new ClusterSemaphorePermitLostException(permit, cancelled))
            : outcome;
    }

    /// <summary>A permit, or the rejection to return instead; a caller's cancellation is returned as its exception.</summary>
    private async ValueTask<(ClusterSemaphorePermit? Permit, Exception? Rejection)> AcquireAsync(ResilienceContext context)
    {
        var queued = Interlocked.Increment(ref _waiting) <= _queueLimit;
        if (!queued)
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            var permit = queued
                ? await AcquireQueuedAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext)
                : await _semaphore.TryAcquireAsync(TimeSpan.Zero, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            return permit is not null
                ? (permit, null)
                : (null, Rejection(queued ? ClusterBulkheadRejectionReason.WaitTimeout : ClusterBulkheadRejectionReason.QueueFull, null));
        }
        catch (OperationCanceledException e) when (context.CancellationToken.IsCancellationRequested)
        {
            return (null, e);
        }
        catch (Exception e) when (e is CairnException or ObjectDisposedException)
        {
            return (null, Rejection(ClusterBulkheadRejectionReason.ClusterUnavailable, e));
        }
        finally
        {
            if (queued)
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    private async Task<ClusterSemaphorePermit?> AcquireQueuedAsync(CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_waitTimeout, _timeProvider);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await _semaphore.AcquireAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private ClusterBulkheadRejectedException Rejection(ClusterBulkheadRejectionReason reason, Exception? inner)
    {
        var exception = new ClusterBulkheadRejectedException(_semaphore.Name, _semaphore.PermitLimit, reason, inner);
        _telemetry.SetTelemetrySource(exception);
        return exception;
    }

    private async ValueTask<Outcome<TResult>> RejectAsync<TResult>(Exception rejection, ResilienceContext context)
    {
        if (rejection is ClusterBulkheadRejectedException rejected)
        {
            var args = new OnClusterBulkheadRejectedArguments(context, _semaphore.Name, rejected.Reason);
            _telemetry.Report(_rejectedEvent, context, args);
            if (_onRejected is { } onRejected)
            {
                await onRejected(args).ConfigureAwait(context.ContinueOnCapturedContext);
            }
        }

        return Outcome.FromException<TResult>(rejection);
    }
}
