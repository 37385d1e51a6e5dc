namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>Why the cluster bulkhead rejected a call.</summary>
public enum ClusterBulkheadRejectionReason
{
    /// <summary>No permit was free and the pipeline's queue of waiting calls was full (with a queue limit of 0: no permit was free).</summary>
    QueueFull = 0,

    /// <summary>No permit became free within the wait timeout.</summary>
    WaitTimeout = 1,

    /// <summary>The cluster could not be asked (the inner exception says why); without it the limit cannot be enforced, so the call does not run.</summary>
    ClusterUnavailable = 2,
}
