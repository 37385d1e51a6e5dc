namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>
/// The call ended cancelled after its cluster bulkhead permit was lost while it ran (the session lease ended, or the
/// slot was taken by another holder), and not by its caller: another call may already be running in its place.
/// </summary>
/// <remarks>An <see cref="OperationCanceledException"/> whose token is the permit's <see cref="ClusterSemaphorePermit.Lost"/>.</remarks>
public sealed class ClusterSemaphorePermitLostException : OperationCanceledException
{
    /// <summary>Initializes an exception with a default message.</summary>
    public ClusterSemaphorePermitLostException()
        : base("The call was cancelled after its cluster bulkhead permit was lost while it ran.")
    {
    }

    /// <summary>Initializes an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ClusterSemaphorePermitLostException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public ClusterSemaphorePermitLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes an exception for a permit.</summary>
    /// <param name="permit">The permit that was lost.</param>
    /// <param name="innerException">The cancellation the call ended with.</param>
    public ClusterSemaphorePermitLostException(ClusterSemaphorePermit permit, Exception? innerException)
        : base(Describe(permit), innerException, permit.Lost)
    {
        Slot = permit.Slot;
        FencingToken = permit.FencingToken;
    }

    /// <summary>Gets the slot that was lost.</summary>
    public int Slot { get; }

    /// <summary>Gets the fencing token of the lost permit: requests carrying it should be refused from now on.</summary>
    public long FencingToken { get; }

    private static string Describe(ClusterSemaphorePermit permit)
    {
        ArgumentNullException.ThrowIfNull(permit);
        return $"The call was cancelled after its permit (slot {permit.Slot}, fencing token {permit.FencingToken}) of the cluster bulkhead '{permit.SemaphoreName}' was lost while it ran.";
    }
}
