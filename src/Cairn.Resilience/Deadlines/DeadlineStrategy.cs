using Polly;
using Polly.Telemetry;
using Polly.Timeout;

namespace Cairn.Resilience.Deadlines;

/// <summary>
/// Runs outside Polly's timeout: narrows the context's deadline to min(local timeout, propagated deadline) for the
/// duration of one execution, and refuses at once when the propagated deadline has already expired.
/// </summary>
/// <remarks>
/// Polly's timeout cannot do the second part itself: it treats a zero timeout as "no timeout". The narrowed
/// deadline is visible to inner strategies and to the HTTP handler that writes <see cref="DeadlineHeader"/>, and the
/// previous value is restored afterwards, so a retry outside gives each attempt the full local timeout again.
/// </remarks>
internal sealed class DeadlineStrategy : ResilienceStrategy
{
    private static readonly ResilienceEvent _expiredEvent = new(ResilienceEventSeverity.Error, DeadlineEvents.Expired);

    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly Func<OnTimeoutArguments, ValueTask>? _onTimeout;

    public DeadlineStrategy(TimeSpan timeout, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry, Func<OnTimeoutArguments, ValueTask>? onTimeout)
    {
        _timeout = timeout;
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _onTimeout = onTimeout;
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var propagated = context.GetDeadline();
        if (propagated.IsExpired)
        {
            return await RefuseAsync<TResult>(context).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        context.SetDeadline(Deadline.Earliest(Deadline.After(_timeout, _timeProvider), propagated));
        try
        {
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            context.SetDeadline(propagated);
        }
    }

    private async ValueTask<Outcome<TResult>> RefuseAsync<TResult>(ResilienceContext context)
    {
        var args = new OnTimeoutArguments(context, TimeSpan.Zero);
        _telemetry.Report(_expiredEvent, context, args);
        if (_onTimeout is { } onTimeout)
        {
            await onTimeout(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        var exception = new TimeoutRejectedException("The propagated deadline expired before the call started.", TimeSpan.Zero);
        _telemetry.SetTelemetrySource(exception);
        return Outcome.FromException<TResult>(exception);
    }
}
