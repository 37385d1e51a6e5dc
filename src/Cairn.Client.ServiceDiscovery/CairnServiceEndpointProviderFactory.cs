using System.Diagnostics.CodeAnalysis;
using Cairn.Client.LoadBalancing;
using Microsoft.Extensions.ServiceDiscovery;

namespace Cairn.Client.ServiceDiscovery;

/// <summary>
/// Creates a <see cref="CairnServiceEndpointProvider"/> for each service name registered with
/// <c>AddCairnEndpointSource</c> (<see cref="Microsoft.Extensions.DependencyInjection.CairnServiceDiscoveryServiceCollectionExtensions"/>);
/// other names are left to the other providers (configuration, pass-through).
/// </summary>
/// <remarks>Service names match case-insensitively, as host names do. The endpoint name of a query (<c>_grpc.orders</c>) is ignored.</remarks>
internal sealed class CairnServiceEndpointProviderFactory : IServiceEndpointProviderFactory
{
    private readonly Dictionary<string, Lazy<EndpointSource>> _sources = new(StringComparer.OrdinalIgnoreCase);

    public CairnServiceEndpointProviderFactory(IEnumerable<CairnEndpointSourceRegistration> registrations, IServiceProvider services)
    {
        foreach (var registration in registrations)
        {
            var lazy = new Lazy<EndpointSource>(() => registration.Source(services) ?? throw new InvalidOperationException(
                $"The endpoint source factory for service '{registration.ServiceName}' returned null."));
            if (!_sources.TryAdd(registration.ServiceName, lazy))
            {
                throw new InvalidOperationException($"Service '{registration.ServiceName}' has more than one Cairn endpoint source registered.");
            }
        }
    }

    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_sources.TryGetValue(query.ServiceName, out var source))
        {
            provider = new CairnServiceEndpointProvider(query, source.Value);
            return true;
        }

        provider = null;
        return false;
    }
}
