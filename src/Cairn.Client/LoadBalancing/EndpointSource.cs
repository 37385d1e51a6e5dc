namespace Cairn.Client.LoadBalancing;

/// <summary>
/// Supplies the endpoints of one service and their active health. Balancers read <see cref="Version"/> on every
/// pick and rebuild their view only when it changes, so an update costs one rebuild, not one per call.
/// </summary>
/// <remarks>Thread-safe. Implementations publish an immutable list and call <see cref="OnChanged"/> after each change.</remarks>
public abstract class EndpointSource
{
    private long _version;

    /// <summary>Gets the current endpoints; the list is never mutated after it is published.</summary>
    public abstract IReadOnlyList<BackendEndpoint> Endpoints { get; }

    /// <summary>Gets a number that grows whenever the endpoints or their health change.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>
    /// Occurs after the endpoints or their health changed (after <see cref="Version"/> grew), for integrations that
    /// push updates rather than poll <see cref="Version"/>, such as a gRPC resolver or a service-discovery change token.
    /// </summary>
    /// <remarks>
    /// Raised synchronously on the thread that made the change, with no lock held. Handlers must be quick and must
    /// not throw; several changes in a row may raise it several times, so handlers read the current state, not a delta.
    /// </remarks>
    public event EventHandler? Changed;

    /// <summary>Sets an endpoint's active health, e.g. from a probe or the service registry.</summary>
    /// <param name="endpoint">An endpoint of this source.</param>
    /// <param name="healthy">Whether it may receive traffic.</param>
    public void SetHealthy(BackendEndpoint endpoint, bool healthy)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.IsHealthy != healthy)
        {
            endpoint.SetHealthy(healthy);
            OnChanged();
        }
    }

    /// <summary>Tells balancers to rebuild their view and raises <see cref="Changed"/>; call after publishing a new endpoint list.</summary>
    protected void OnChanged()
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
