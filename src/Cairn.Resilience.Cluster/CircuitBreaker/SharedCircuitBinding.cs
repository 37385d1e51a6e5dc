using Cairn.Resilience.CircuitBreaker;
using Polly;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>
/// Joins the two strategies one <c>AddCairnSharedCircuitBreaker</c> call adds: the outer gate (created on build) and
/// Cairn's circuit breaker, whose options are copied from the user's with <c>OnOpened</c> and <c>OnClosed</c> wrapped
/// to report to the <see cref="SharedCircuit"/>.
/// </summary>
/// <remarks>Built from options that Polly has already validated; every pipeline built from the builder shares one report vote.</remarks>
internal sealed class SharedCircuitBinding<TResult>
{
    private readonly CairnSharedCircuitBreakerStrategyOptions<TResult> _options;
    private readonly SharedCircuit _circuit;
    private readonly ReporterHandle _reporter;
    private readonly Func<Polly.CircuitBreaker.OnCircuitOpenedArguments<TResult>, ValueTask>? _onOpened;
    private readonly Func<Polly.CircuitBreaker.OnCircuitClosedArguments<TResult>, ValueTask>? _onClosed;

    public SharedCircuitBinding(CairnSharedCircuitBreakerStrategyOptions<TResult> options)
    {
        _options = options;
        _circuit = options.SharedCircuit ?? throw new ArgumentException("SharedCircuit is required", nameof(options));
        _reporter = _circuit.CreateReporter();
        _onOpened = options.OnOpened;
        _onClosed = options.OnClosed;
    }

    public SharedCircuitGateStrategy CreateGate(StrategyBuilderContext context)
    {
        var gate = new SharedCircuitGateStrategy(_circuit, context.Telemetry, _options.OnSharedCircuitOpened, _options.OnSharedCircuitClosed);
        _circuit.Attach(gate);
        return gate;
    }

    /// <summary>Copies every breaker option; a test checks by reflection that none is forgotten.</summary>
    /// <typeparam name="TOptions">The breaker's options type for the builder at hand (non-generic builders take <see cref="CairnCircuitBreakerStrategyOptions"/>).</typeparam>
    public TOptions CreateBreakerOptions<TOptions>()
        where TOptions : CairnCircuitBreakerStrategyOptions<TResult>, new() => new()
        {
            Name = _options.Name,
            FailureRatio = _options.FailureRatio,
            MinimumThroughput = _options.MinimumThroughput,
            SamplingDuration = _options.SamplingDuration,
            BreakDuration = _options.BreakDuration,
            BreakDurationGenerator = _options.BreakDurationGenerator,
            HalfOpenTrialCalls = _options.HalfOpenTrialCalls,
            HalfOpenSuccessRatio = _options.HalfOpenSuccessRatio,
            ShouldHandle = _options.ShouldHandle,
            ManualControl = _options.ManualControl,
            StateProvider = _options.StateProvider,
            OnHalfOpened = _options.OnHalfOpened,
            OnOpened = OnOpenedAsync,
            OnClosed = OnClosedAsync,
        };

    private ValueTask OnOpenedAsync(Polly.CircuitBreaker.OnCircuitOpenedArguments<TResult> args)
    {
        // Only the breaker's own evidence is reported: a manual isolation is a local decision, not news about the dependency.
        if (!args.IsManual)
        {
            _circuit.ReportOpened(_reporter, args.BreakDuration);
        }

        return _onOpened?.Invoke(args) ?? ValueTask.CompletedTask;
    }

    private ValueTask OnClosedAsync(Polly.CircuitBreaker.OnCircuitClosedArguments<TResult> args)
    {
        _circuit.ReportClosed(_reporter);
        return _onClosed?.Invoke(args) ?? ValueTask.CompletedTask;
    }
}
