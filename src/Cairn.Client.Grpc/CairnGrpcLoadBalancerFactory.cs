using Grpc.Net.Client.Balancer;

namespace Cairn.Client.Grpc;

/// <summary>
/// Creates Cairn's gRPC load balancer for channels whose service config names <see cref="CairnGrpcLoadBalancerOptions.PolicyName"/>:
/// a connection per resolved address (gRPC's subchannels), and per call a pick among the ready ones by a Cairn
/// <see cref="Cairn.Client.LoadBalancing.EndpointPicker"/>, skipping endpoints ejected by passive outlier detection.
/// </summary>
public sealed class CairnGrpcLoadBalancerFactory : LoadBalancerFactory
{
    private readonly CairnGrpcLoadBalancerOptions _options;

    /// <summary>Initializes a factory.</summary>
    /// <param name="options">The options; validated now.</param>
    /// <exception cref="ArgumentException">The policy name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An outlier-detection value is out of range.</exception>
    public CairnGrpcLoadBalancerFactory(CairnGrpcLoadBalancerOptions? options = null)
    {
        _options = options ?? new CairnGrpcLoadBalancerOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.PolicyName);
        _options.OutlierDetection?.Validate();
    }

    /// <inheritdoc/>
    public override string Name => _options.PolicyName;

    /// <inheritdoc/>
    public override LoadBalancer Create(LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CairnSubchannelsLoadBalancer(options.Controller, options.LoggerFactory, _options);
    }
}
