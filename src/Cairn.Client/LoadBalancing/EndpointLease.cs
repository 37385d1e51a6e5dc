namespace Cairn.Client.LoadBalancing;

/// <summary>
/// A call's hold on an endpoint: it counts as in flight from <see cref="LoadBalancer.TryAcquire"/> until
/// <see cref="Release"/>. Release it exactly once, in a <see langword="finally"/> block.
/// </summary>
/// <remarks>A struct, so taking a lease allocates nothing; copies share the one hold, so release only one of them.</remarks>
public readonly struct EndpointLease
{
    private readonly LoadBalancer? _balancer;

    internal EndpointLease(LoadBalancer balancer, BackendEndpoint endpoint)
    {
        _balancer = balancer;
        Endpoint = endpoint;
    }

    /// <summary>Gets the endpoint to send the call to.</summary>
    public BackendEndpoint Endpoint { get; }

    /// <summary>Returns the hold and reports the call's result to passive health.</summary>
    /// <param name="result">What the call says about the endpoint.</param>
    /// <exception cref="InvalidOperationException">The lease is <see langword="default"/>.</exception>
    public void Release(EndpointCallResult result)
    {
        if (_balancer is null)
        {
            throw new InvalidOperationException("A default lease holds no endpoint.");
        }

        _balancer.Complete(Endpoint, result);
    }

}
