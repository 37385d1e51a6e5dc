namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>Names of the telemetry events the cluster bulkhead reports through Polly.</summary>
public static class ClusterBulkheadEvents
{
    /// <summary>A call was rejected without running (<see cref="ClusterBulkheadRejectedException"/>).</summary>
    public const string Rejected = "OnClusterBulkheadRejected";

    /// <summary>A call's permit was lost while it ran.</summary>
    public const string PermitLost = "OnClusterSemaphorePermitLost";
}
