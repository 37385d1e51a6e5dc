using Cairn.Client.LoadBalancing;
using Cairn.Client.ServiceDiscovery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Cairn endpoint sources with Microsoft.Extensions.ServiceDiscovery.</summary>
/// <remarks>
/// <para>
/// After <c>services.AddCairnEndpointSource("orders", source)</c>, any <see cref="HttpClient"/> with service discovery
/// (<c>.AddServiceDiscovery()</c> on its <c>IHttpClientBuilder</c>, or on <c>ConfigureHttpClientDefaults</c>) sends
/// <c>http://orders/...</c> to the source's actively healthy endpoints, and resolves again as soon as the source
/// changes. Service discovery then chooses among them itself (round robin, ignoring weights, in-flight counts and
/// passive ejection): for Cairn's pickers and outlier ejection use <see cref="LoadBalancingHandler"/> instead.
/// </para>
/// <para>
/// Other names still go to the other providers (configuration, pass-through). Registering a name twice throws when the
/// provider factory is first created.
/// </para>
/// </remarks>
public static class CairnServiceDiscoveryServiceCollectionExtensions
{
    /// <summary>Maps a service name to an endpoint source and adds the core service-discovery services.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceName">The host name used in URIs, e.g. <c>orders</c> for <c>http://orders/</c>.</param>
    /// <param name="source">The endpoints and their active health.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddCairnEndpointSource(this IServiceCollection services, string serviceName, EndpointSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return services.AddCairnEndpointSource(serviceName, _ => source);
    }

    /// <summary>
    /// Maps a service name to an endpoint source created from the container on first use (e.g. one backed by the
    /// service registry), and adds the core service-discovery services.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceName">The host name used in URIs, e.g. <c>orders</c> for <c>http://orders/</c>.</param>
    /// <param name="sourceFactory">Creates the source; called once.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddCairnEndpointSource(this IServiceCollection services, string serviceName, Func<IServiceProvider, EndpointSource> sourceFactory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(sourceFactory);
        services.AddServiceDiscoveryCore();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, CairnServiceEndpointProviderFactory>());
        services.AddSingleton(new CairnEndpointSourceRegistration(serviceName, sourceFactory));
        return services;
    }
}
