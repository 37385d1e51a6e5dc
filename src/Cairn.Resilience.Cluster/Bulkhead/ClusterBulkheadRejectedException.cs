using Polly;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>The cluster bulkhead did not get a permit for the call, which was not run; <see cref="Reason"/> says why.</summary>
/// <remarks>Derives from Polly's <see cref="ExecutionRejectedException"/>, so predicates that handle Polly's rejections handle it too.</remarks>
public sealed class ClusterBulkheadRejectedException : ExecutionRejectedException
{
    /// <summary>Initializes an exception with a default message.</summary>
    public ClusterBulkheadRejectedException()
        : this("The cluster bulkhead rejected the call: no permit was obtained.")
    {
    }

    /// <summary>Initializes an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ClusterBulkheadRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public ClusterBulkheadRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes an exception that states the semaphore and the reason.</summary>
    /// <param name="semaphoreName">The semaphore.</param>
    /// <param name="permitLimit">Its permit limit.</param>
    /// <param name="reason">Why the call was rejected.</param>
    /// <param name="innerException">For <see cref="ClusterBulkheadRejectionReason.ClusterUnavailable"/>: the cluster's error.</param>
    public ClusterBulkheadRejectedException(string semaphoreName, int permitLimit, ClusterBulkheadRejectionReason reason, Exception? innerException = null)
        : base(Describe(semaphoreName, permitLimit, reason), innerException!)
    {
        SemaphoreName = semaphoreName;
        PermitLimit = permitLimit;
        Reason = reason;
    }

    /// <summary>Gets the semaphore's name, or null when unknown.</summary>
    public string? SemaphoreName { get; }

    /// <summary>Gets the semaphore's permit limit, or 0 when unknown.</summary>
    public int PermitLimit { get; }

    /// <summary>Gets why the call was rejected.</summary>
    public ClusterBulkheadRejectionReason Reason { get; }

    private static string Describe(string name, int limit, ClusterBulkheadRejectionReason reason) => reason switch
    {
        ClusterBulkheadRejectionReason.QueueFull => $"The cluster bulkhead '{name}' rejected the call: all {limit} permits are held and the queue is full.",
        ClusterBulkheadRejectionReason.WaitTimeout => $"The cluster bulkhead '{name}' rejected the call: none of its {limit} permits became free within the wait timeout.",
        _ => $"The cluster bulkhead '{name}' rejected the call: the cluster could not be asked for a permit, so the limit of {limit} could not be enforced.",
    };
}
