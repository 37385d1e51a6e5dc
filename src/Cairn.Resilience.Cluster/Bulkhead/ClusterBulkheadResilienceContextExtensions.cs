using Polly;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>Reads the permit a cluster bulkhead holds for the call in progress, to send its fencing token along.</summary>
public static class ClusterBulkheadResilienceContextExtensions
{
    internal static readonly ResiliencePropertyKey<ClusterSemaphorePermit?> PermitKey = new("Cairn.ClusterSemaphorePermit");

    /// <summary>The permit held for this call by the innermost cluster bulkhead around it, or null outside one.</summary>
    /// <param name="context">The call's context, inside the pipeline's callback.</param>
    /// <returns>The permit, valid until the callback returns.</returns>
    public static ClusterSemaphorePermit? GetClusterSemaphorePermit(this ResilienceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Properties.GetValue(PermitKey, null);
    }
}
