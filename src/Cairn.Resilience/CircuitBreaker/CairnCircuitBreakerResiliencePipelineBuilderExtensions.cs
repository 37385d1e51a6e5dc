using Polly;

namespace Cairn.Resilience.CircuitBreaker;

/// <summary>Adds Cairn's circuit breaker to Polly pipeline builders.</summary>
public static class CairnCircuitBreakerResiliencePipelineBuilderExtensions
{
    /// <summary>Adds a circuit breaker whose failures are decided by <see cref="CairnCircuitBreakerStrategyOptions{TResult}.ShouldHandle"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now; they are read again on every build.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The state provider is already attached to another breaker (thrown on build).</exception>
    public static ResiliencePipelineBuilder AddCairnCircuitBreaker(this ResiliencePipelineBuilder builder, CairnCircuitBreakerStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(context => Create(context, options), options);
    }

    /// <summary>Adds a circuit breaker whose failures are decided by <see cref="CairnCircuitBreakerStrategyOptions{TResult}.ShouldHandle"/>.</summary>
    /// <typeparam name="TResult">The result type of the pipeline.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now; they are read again on every build.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The state provider is already attached to another breaker (thrown on build).</exception>
    public static ResiliencePipelineBuilder<TResult> AddCairnCircuitBreaker<TResult>(this ResiliencePipelineBuilder<TResult> builder, CairnCircuitBreakerStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(context => Create(context, options), options);
    }

    private static CairnCircuitBreakerStrategy<TResult> Create<TResult>(StrategyBuilderContext context, CairnCircuitBreakerStrategyOptions<TResult> options)
    {
        var controller = new CircuitController(
            context.TimeProvider,
            options.FailureRatio,
            options.MinimumThroughput,
            options.SamplingDuration,
            options.BreakDuration,
            options.BreakDurationGenerator,
            options.HalfOpenTrialCalls,
            options.HalfOpenSuccessRatio);
        var strategy = new CairnCircuitBreakerStrategy<TResult>(controller, options, context.Telemetry);
        options.StateProvider?.Attach(controller);
        options.ManualControl?.Attach(controller);
        return strategy;
    }
}
