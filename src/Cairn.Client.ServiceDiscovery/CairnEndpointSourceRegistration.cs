using Cairn.Client.LoadBalancing;

namespace Cairn.Client.ServiceDiscovery;

/// <summary>One service name mapped to the Cairn endpoint source that serves it; registered once per name.</summary>
/// <param name="ServiceName">The service name as it appears in URIs, e.g. <c>orders</c> in <c>http://orders/</c>.</param>
/// <param name="Source">Creates (or returns) the source, given the service provider; called once, on first use.</param>
internal sealed record CairnEndpointSourceRegistration(string ServiceName, Func<IServiceProvider, EndpointSource> Source);
