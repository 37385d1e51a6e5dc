using Polly;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>Adds the cluster-wide bulkhead to Polly pipeline builders.</summary>
public static class CairnClusterBulkheadResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds a bulkhead whose permits are those of a <see cref="ClusterSemaphore"/>: each call holds one while it runs, so
    /// at most <see cref="ClusterSemaphore.PermitLimit"/> calls run at once across every instance. A call that gets no
    /// permit is not run: its outcome is a <see cref="ClusterBulkheadRejectedException"/>. The permit is available to the
    /// callback through <see cref="ClusterBulkheadResilienceContextExtensions.GetClusterSemaphorePermit"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid (for example no <see cref="CairnClusterBulkheadStrategyOptions.Semaphore"/>).</exception>
    public static TBuilder AddCairnClusterBulkhead<TBuilder>(this TBuilder builder, CairnClusterBulkheadStrategyOptions options)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(context => new ClusterBulkheadStrategy(options, context.TimeProvider, context.Telemetry), options);
    }
}
