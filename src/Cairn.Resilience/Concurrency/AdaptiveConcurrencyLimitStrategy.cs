using Polly;
using Polly.Telemetry;

namespace Cairn.Resilience.Concurrency;

/// <summary>The Polly strategy around an <see cref="AimdLimiter"/>: admits or rejects, times the call, adapts.</summary>
internal sealed class AdaptiveConcurrencyLimitStrategy : ResilienceStrategy
{
    private static readonly ResilienceEvent _rejectedEvent = new(ResilienceEventSeverity.Warning, AdaptiveConcurrencyLimitEvents.Rejected);
    private static readonly ResilienceEvent _changedEvent = new(ResilienceEventSeverity.Information, AdaptiveConcurrencyLimitEvents.LimitChanged);

    private readonly AimdLimiter _limiter;
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly TimeSpan _latencyThreshold;
    private readonly Func<Exception, bool> _isOverloadSignal;

    public AdaptiveConcurrencyLimitStrategy(AimdLimiter limiter, CairnAdaptiveConcurrencyLimitStrategyOptions options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        _limiter = limiter;
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _latencyThreshold = options.LatencyThreshold;
        _isOverloadSignal = options.IsOverloadSignal;
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (!_limiter.TryAcquire(out var inFlight))
        {
            var limit = _limiter.Limit;
            _telemetry.Report(_rejectedEvent, context, new ConcurrencyLimitRejectedArguments(limit));
            var exception = new ConcurrencyLimitExceededException(limit);
            _telemetry.SetTelemetrySource(exception);
            return Outcome.FromException<TResult>(exception);
        }

        var started = _timeProvider.GetTimestamp();
        Outcome<TResult> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch
        {
            // A strategy below threw instead of returning an outcome: give the permit back, learn nothing.
            _limiter.Release(inFlight, signal: null);
            throw;
        }

        var latency = _timeProvider.GetElapsedTime(started);
        var (before, after) = _limiter.Release(inFlight, Classify(outcome.Exception, latency, context));
        if (before != after)
        {
            _telemetry.Report(_changedEvent, context, new ConcurrencyLimitChangedArguments(before, after, latency));
        }

        return outcome;
    }

    private bool? Classify(Exception? exception, TimeSpan latency, ResilienceContext context)
    {
        // A caller who gave up says nothing about how loaded the dependency is.
        if (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return latency > _latencyThreshold || (exception is not null && _isOverloadSignal(exception));
    }
}
