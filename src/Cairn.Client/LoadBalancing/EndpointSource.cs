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

    /// <summary>Tells balancers to rebuild their view; call after publishing a new endpoint list.</summary>
    protected void OnChanged() => Interlocked.Increment(ref _version);
}
