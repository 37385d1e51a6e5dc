using Polly;
using Polly.Telemetry;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>
/// The outer strategy of a shared breaker: rejects calls while the fleet holds the circuit open, and reports the
/// fleet's openings and closings through Polly's telemetry. Calls it lets through meet the local breaker.
/// </summary>
/// <remarks>
/// A separate gate rather than the local breaker's manual isolation: isolating would run the local breaker's
/// <c>OnOpened</c> (which would report the fleet's decision back to the fleet as this instance's own evidence, a loop
/// that could hold the circuit open forever), and closing it by hand would wipe the local breaker's own open state and
/// failure window. The gate leaves the local breaker's logic untouched. When closed, the call path is one volatile read.
/// </remarks>
internal sealed class SharedCircuitGateStrategy : ResilienceStrategy, ISharedCircuitListener
{
    private static readonly ResilienceEvent _openedEvent = new(ResilienceEventSeverity.Error, SharedCircuitBreakerEvents.Opened);
    private static readonly ResilienceEvent _closedEvent = new(ResilienceEventSeverity.Information, SharedCircuitBreakerEvents.Closed);

    private readonly SharedCircuit _circuit;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly Func<OnSharedCircuitOpenedArguments, ValueTask>? _onOpened;
    private readonly Func<OnSharedCircuitClosedArguments, ValueTask>? _onClosed;

    public SharedCircuitGateStrategy(
        SharedCircuit circuit,
        ResilienceStrategyTelemetry telemetry,
        Func<OnSharedCircuitOpenedArguments, ValueTask>? onOpened,
        Func<OnSharedCircuitClosedArguments, ValueTask>? onClosed)
    {
        _circuit = circuit;
        _telemetry = telemetry;
        _onOpened = onOpened;
        _onClosed = onClosed;
    }

    public async ValueTask OnChangedAsync(bool opened, int reporters, int threshold, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            if (opened)
            {
                var args = new OnSharedCircuitOpenedArguments(_circuit.Dependency, reporters, threshold);
                _telemetry.Report(_openedEvent, context, args);
                if (_onOpened is { } callback)
                {
                    await callback(args).ConfigureAwait(false);
                }
            }
            else
            {
                var args = new OnSharedCircuitClosedArguments(_circuit.Dependency, reporters, threshold);
                _telemetry.Report(_closedEvent, context, args);
                if (_onClosed is { } callback)
                {
                    await callback(args).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (!_circuit.TryGetOpen(out var retryAfter))
        {
            return callback(context, state);
        }

        var (reporters, threshold) = _circuit.Counts();
        var exception = new SharedCircuitOpenException(_circuit.Dependency, reporters, threshold, retryAfter);
        _telemetry.SetTelemetrySource(exception);
        return new ValueTask<Outcome<TResult>>(Outcome.FromException<TResult>(exception));
    }
}
