using Cairn.Client.LoadBalancing;
using Grpc.Net.Client.Balancer;

namespace Cairn.Client.Grpc;

/// <summary>The balancer-address attributes Cairn's resolver sets and Cairn's load balancer reads.</summary>
public static class CairnGrpcAttributes
{
    /// <summary>
    /// The <see cref="BackendEndpoint"/> an address came from, so in-flight counts, ejections and counters land on the
    /// endpoint the application holds. Addresses without it (another resolver) get an endpoint of their own.
    /// </summary>
    public static readonly BalancerAttributesKey<BackendEndpoint> Endpoint = new("cairn.endpoint");
}
