namespace Cairn.Client.LoadBalancing;

/// <summary>An endpoint source with a list set by the application (configuration now, the service registry later).</summary>
public sealed class StaticEndpointSource : EndpointSource
{
    private volatile BackendEndpoint[] _endpoints;

    /// <summary>Initializes a source.</summary>
    /// <param name="endpoints">The endpoints; duplicates by reference are not allowed.</param>
    public StaticEndpointSource(IEnumerable<BackendEndpoint> endpoints) => _endpoints = Validate(endpoints);

    /// <inheritdoc/>
    public override IReadOnlyList<BackendEndpoint> Endpoints => _endpoints;

    /// <summary>Replaces the endpoint list. Endpoints kept from the old list keep their state.</summary>
    /// <param name="endpoints">The new endpoints.</param>
    public void SetEndpoints(IEnumerable<BackendEndpoint> endpoints)
    {
        _endpoints = Validate(endpoints);
        OnChanged();
    }

    private static BackendEndpoint[] Validate(IEnumerable<BackendEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        BackendEndpoint[] array = [.. endpoints];
        if (array.Any(e => e is null) || array.Distinct(ReferenceEqualityComparer.Instance).Count() != array.Length)
        {
            throw new ArgumentException("Endpoints must be non-null and distinct.", nameof(endpoints));
        }

        return array;
    }
}
