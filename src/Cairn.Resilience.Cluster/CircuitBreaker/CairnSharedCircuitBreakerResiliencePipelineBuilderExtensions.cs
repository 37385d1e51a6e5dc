using Cairn.Resilience.CircuitBreaker;
using Polly;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>Adds the shared circuit breaker to Polly pipeline builders.</summary>
public static class CairnSharedCircuitBreakerResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds two strategies: a gate that rejects calls with <see cref="SharedCircuitOpenException"/> while enough
    /// instances of the fleet report the dependency down (see <see cref="SharedCircuit"/>), then Cairn's circuit breaker
    /// for this instance, whose own openings and closings are reported to the fleet.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated and read now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid (for example no <see cref="CairnSharedCircuitBreakerStrategyOptions{TResult}.SharedCircuit"/>).</exception>
    /// <exception cref="InvalidOperationException">The state provider is already attached to another breaker (thrown on build).</exception>
    /// <remarks>Build the pipeline once: every pipeline built from this builder shares one vote in the instance's report.</remarks>
    public static ResiliencePipelineBuilder AddCairnSharedCircuitBreaker(this ResiliencePipelineBuilder builder, CairnSharedCircuitBreakerStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        // AddStrategy validates the options before anything reads them; the gate itself is created on build.
        SharedCircuitBinding<object>? binding = null;
        builder.AddStrategy(context => binding!.CreateGate(context), options);
        binding = new SharedCircuitBinding<object>(options);
        return builder.AddCairnCircuitBreaker(binding.CreateBreakerOptions<CairnCircuitBreakerStrategyOptions>());
    }

    /// <summary>
    /// Adds two strategies: a gate that rejects calls with <see cref="SharedCircuitOpenException"/> while enough
    /// instances of the fleet report the dependency down (see <see cref="SharedCircuit"/>), then Cairn's circuit breaker
    /// for this instance, whose own openings and closings are reported to the fleet.
    /// </summary>
    /// <typeparam name="TResult">The result type of the pipeline.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated and read now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid (for example no <see cref="CairnSharedCircuitBreakerStrategyOptions{TResult}.SharedCircuit"/>).</exception>
    /// <exception cref="InvalidOperationException">The state provider is already attached to another breaker (thrown on build).</exception>
    /// <remarks>Build the pipeline once: every pipeline built from this builder shares one vote in the instance's report.</remarks>
    public static ResiliencePipelineBuilder<TResult> AddCairnSharedCircuitBreaker<TResult>(this ResiliencePipelineBuilder<TResult> builder, CairnSharedCircuitBreakerStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        // AddStrategy validates the options before anything reads them; the gate itself is created on build.
        SharedCircuitBinding<TResult>? binding = null;
        builder.AddStrategy(context => binding!.CreateGate(context), options);
        binding = new SharedCircuitBinding<TResult>(options);
        return builder.AddCairnCircuitBreaker(binding.CreateBreakerOptions<CairnCircuitBreakerStrategyOptions<TResult>>());
    }
}
