using Cairn.Client.LoadBalancing;

namespace Cairn.Client.Grpc;

/// <summary>One service name mapped to its endpoint source for the <c>cairn</c> resolver.</summary>
internal sealed record CairnGrpcEndpointSourceRegistration(string ServiceName, EndpointSource Source);
