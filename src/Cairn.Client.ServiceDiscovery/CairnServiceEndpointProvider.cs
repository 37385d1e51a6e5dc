using Cairn.Client.LoadBalancing;
using Microsoft.Extensions.ServiceDiscovery;

namespace Cairn.Client.ServiceDiscovery;

/// <summary>
/// Resolves one service name to the actively healthy endpoints of a Cairn <see cref="EndpointSource"/>, and tells
/// service discovery to resolve again as soon as the source changes (endpoints replaced, health changed).
/// </summary>
/// <remarks>
/// Each endpoint becomes a <see cref="UriEndPoint"/> of its scheme, host and port, so <c>http://orders/items</c> is sent
/// to e.g. <c>http://10.0.0.5:8080/items</c>; the <see cref="BackendEndpoint"/> is also in the endpoint's features.
/// When the query names schemes (<c>https+http://orders</c>), only endpoints with one of them are returned. When no
/// endpoint qualifies, resolution fails with <see cref="NoAvailableEndpointException"/> rather than return nothing,
/// which would let the pass-through provider send the request to the bare host name.
/// </remarks>
internal sealed class CairnServiceEndpointProvider : IServiceEndpointProvider
{
    private readonly ServiceEndpointQuery _query;
    private readonly EndpointSource _source;

    public CairnServiceEndpointProvider(ServiceEndpointQuery query, EndpointSource source)
    {
        _query = query;
        _source = source;
    }

    public ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Read the version before the list: a change racing with this read then leaves the token already changed.
        var version = _source.Version;
        var added = 0;
        foreach (var endpoint in _source.Endpoints)
        {
            if (endpoint.IsHealthy && SchemeIncluded(endpoint.Address.Scheme))
            {
                var serviceEndpoint = ServiceEndpoint.Create(new UriEndPoint(new Uri(endpoint.Authority)));
                serviceEndpoint.Features.Set(endpoint);
                serviceEndpoint.Features.Set<IServiceEndpointProvider>(this);
                endpoints.Endpoints.Add(serviceEndpoint);
                added++;
            }
        }

        endpoints.AddChangeToken(new EndpointSourceChangeToken(_source, version));
        if (added == 0)
        {
            throw new NoAvailableEndpointException(
                $"No endpoint of service '{_query.ServiceName}' is available: the Cairn endpoint source is empty, every endpoint is marked unhealthy, or none has a scheme in [{string.Join(", ", _query.IncludedSchemes)}].");
        }

        return default;
    }

    public ValueTask DisposeAsync() => default;

    /// <inheritdoc/>
    public override string ToString() => "Cairn";

    private bool SchemeIncluded(string scheme)
    {
        if (_query.IncludedSchemes.Count == 0)
        {
            return true;
        }

        foreach (var included in _query.IncludedSchemes)
        {
            if (string.Equals(included, scheme, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
