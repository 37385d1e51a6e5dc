using Polly;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Cairn.Resilience.CircuitBreaker;

/// <summary>The Polly strategy around a <see cref="CircuitController"/>: admits, classifies, records and reports.</summary>
internal sealed class CairnCircuitBreakerStrategy<TResult> : ResilienceStrategy<TResult>
{
    private static readonly ResilienceEvent _openedEvent = new(ResilienceEventSeverity.Error, CairnCircuitBreakerEvents.Opened);
    private static readonly ResilienceEvent _closedEvent = new(ResilienceEventSeverity.Information, CairnCircuitBreakerEvents.Closed);
    private static readonly ResilienceEvent _halfOpenedEvent = new(ResilienceEventSeverity.Warning, CairnCircuitBreakerEvents.HalfOpened);

    private readonly CircuitController _controller;
    private readonly CairnCircuitBreakerStrategyOptions<TResult> _options;
    private readonly ResilienceStrategyTelemetry _telemetry;

    public CairnCircuitBreakerStrategy(CircuitController controller, CairnCircuitBreakerStrategyOptions<TResult> options, ResilienceStrategyTelemetry telemetry)
    {
        _controller = controller;
        _options = options;
        _telemetry = telemetry;
        _controller.ManualTransitionHandler = ReportManualAsync;
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var admission = _controller.TryEnter();
        if (admission.Transition == CircuitTransition.HalfOpened)
        {
            await ReportHalfOpenedAsync(context).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        if (!admission.Admitted)
        {
            return Outcome.FromException<TResult>(CreateRejection(admission));
        }

        Outcome<TResult> outcome;
        CallResult result;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            result = await ClassifyAsync(outcome, context).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch
        {
            // Polly turns the user's exceptions into outcomes, so this is a strategy or predicate that threw.
            // The call still gives back its admission (a half-open trial slot in particular), then the exception flows on.
            _controller.Complete(admission, CallResult.Ignored, context);
            throw;
        }

        var (transition, breakDuration) = _controller.Complete(admission, result, context);
        if (transition != CircuitTransition.None)
        {
            await ReportAsync(transition, breakDuration, outcome, context, isManual: false).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        return outcome;
    }

    private async ValueTask<CallResult> ClassifyAsync(Outcome<TResult> outcome, ResilienceContext context)
    {
        if (await _options.ShouldHandle(new CircuitBreakerPredicateArguments<TResult>(context, outcome)).ConfigureAwait(context.ContinueOnCapturedContext))
        {
            return CallResult.Failure;
        }

        // A caller that gave up tells us nothing about the dependency.
        return outcome.Exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested
            ? CallResult.Ignored
            : CallResult.Success;
    }

    private Exception CreateRejection(in Admission admission)
    {
        ExecutionRejectedException exception = admission.Rejection == CircuitState.Isolated
            ? new IsolatedCircuitException("The circuit is isolated by hand; calls are not allowed.")
            : admission.Rejection == CircuitState.HalfOpen
                ? new BrokenCircuitException("The circuit is half-open and all its trial calls are in flight; calls are not allowed.", TimeSpan.Zero)
                : new BrokenCircuitException("The circuit is open; calls are not allowed.", admission.RetryAfter);
        _telemetry.SetTelemetrySource(exception);
        return exception;
    }

    private ValueTask ReportManualAsync(CircuitTransition transition, TimeSpan breakDuration, ResilienceContext context) =>
        ReportAsync(transition, breakDuration, Outcome.FromResult(default(TResult)!), context, isManual: true);

    private async ValueTask ReportAsync(CircuitTransition transition, TimeSpan breakDuration, Outcome<TResult> outcome, ResilienceContext context, bool isManual)
    {
        if (transition == CircuitTransition.Opened)
        {
            var args = new OnCircuitOpenedArguments<TResult>(context, outcome, breakDuration, isManual);
            _telemetry.Report(_openedEvent, context, outcome, args);
            if (_options.OnOpened is { } onOpened)
            {
                await onOpened(args).ConfigureAwait(context.ContinueOnCapturedContext);
            }
        }
        else if (transition == CircuitTransition.Closed)
        {
            var args = new OnCircuitClosedArguments<TResult>(context, outcome, isManual);
            _telemetry.Report(_closedEvent, context, outcome, args);
            if (_options.OnClosed is { } onClosed)
            {
                await onClosed(args).ConfigureAwait(context.ContinueOnCapturedContext);
            }
        }
    }

    private async ValueTask ReportHalfOpenedAsync(ResilienceContext context)
    {
        var args = new OnCircuitHalfOpenedArguments(context);
        _telemetry.Report(_halfOpenedEvent, context, args);
        if (_options.OnHalfOpened is { } onHalfOpened)
        {
            await onHalfOpened(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }
}
