using Polly;

namespace Cairn.Resilience.Concurrency;

/// <summary>Adds the adaptive concurrency limit to Polly pipeline builders.</summary>
public static class CairnAdaptiveConcurrencyLimitResiliencePipelineBuilderExtensions
{
    /// <summary>Adds a bulkhead whose limit follows latency by AIMD and that rejects calls over the limit.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The state provider is already attached elsewhere (thrown on build).</exception>
    public static TBuilder AddCairnAdaptiveConcurrencyLimit<TBuilder>(this TBuilder builder, CairnAdaptiveConcurrencyLimitStrategyOptions options)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(
            context =>
            {
                var limiter = new AimdLimiter(options.InitialLimit, options.MinLimit, options.MaxLimit, options.BackoffRatio);
                options.StateProvider?.Attach(limiter);
                return new AdaptiveConcurrencyLimitStrategy(limiter, options, context.TimeProvider, context.Telemetry);
            },
            options);
    }
}
