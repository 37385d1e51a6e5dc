using Cairn.Client.Grpc;
using Cairn.Client.LoadBalancing;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Cairn's gRPC resolver and load-balancing policy for <c>Grpc.Net.Client</c> channels.</summary>
/// <remarks>
/// A channel uses them when its <c>GrpcChannelOptions.ServiceProvider</c> is the built container, its target is
/// <c>cairn:///service-name</c>, and its service config names the policy:
/// <c>ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new LoadBalancingConfig("cairn") } }</c>.
/// </remarks>
public static class CairnGrpcServiceCollectionExtensions
{
    /// <summary>Maps a service name to an endpoint source for targets such as <c>cairn:///orders</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceName">The name in the target URI.</param>
    /// <param name="source">The endpoints and their active health.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddCairnGrpcEndpointSource(this IServiceCollection services, string serviceName, EndpointSource source)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(source);
        services.AddSingleton(new CairnGrpcEndpointSourceRegistration(serviceName, source));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, CairnResolverFactory>(
            sp => new CairnResolverFactory(sp.GetServices<CairnGrpcEndpointSourceRegistration>().Select(r => KeyValuePair.Create(r.ServiceName, r.Source)))));
        return services;
    }

    /// <summary>
    /// Adds Cairn's load-balancing policy under <see cref="CairnGrpcLoadBalancerOptions.PolicyName"/>; call again with
    /// another name for another picker. It balances over any resolver's addresses (<c>cairn</c>, <c>dns</c>, <c>static</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">The options; the defaults (policy <c>cairn</c>, power of two choices) when <see langword="null"/>.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddCairnGrpcLoadBalancer(this IServiceCollection services, CairnGrpcLoadBalancerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<LoadBalancerFactory>(new CairnGrpcLoadBalancerFactory(options));
        return services;
    }
}
