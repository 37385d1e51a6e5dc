using System.Net;
using Cairn.Client.LoadBalancing;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;
using CairnLoadBalancer = Cairn.Client.LoadBalancing.LoadBalancer;

namespace Cairn.Client.Grpc;

/// <summary>
/// gRPC's subchannel management (one connection per address, reconnects, readiness) with Cairn's choice per call.
/// One Cairn <see cref="CairnLoadBalancer"/> per channel, over a source that holds the endpoints of the ready
/// subchannels; endpoints keep their identity across updates, so in-flight counts and ejections survive them.
/// </summary>
internal sealed class CairnSubchannelsLoadBalancer : SubchannelsLoadBalancer
{
    private readonly Lock _lock = new();
    private readonly StaticEndpointSource _ready = new([]);
    private readonly CairnLoadBalancer _balancer;

    // Endpoints by address. An address the resolver tags with a BackendEndpoint maps to that endpoint (the latest
    // one given); an untagged address gets one endpoint of its own, kept for as long as the balancer lives.
    private readonly Dictionary<DnsEndPoint, BackendEndpoint> _endpoints = [];

    // The subchannel of each endpoint the balancer may pick: the current ready set plus the previous one, so a pick
    // racing with an update still finds its subchannel (gRPC re-picks if that subchannel is no longer usable).
    private volatile Dictionary<BackendEndpoint, Subchannel> _subchannels = new(ReferenceEqualityComparer.Instance);
    private Dictionary<BackendEndpoint, Subchannel> _current = new(ReferenceEqualityComparer.Instance);

    public CairnSubchannelsLoadBalancer(IChannelControlHelper controller, ILoggerFactory loggerFactory, CairnGrpcLoadBalancerOptions options)
        : base(controller, loggerFactory)
    {
        _balancer = new CairnLoadBalancer(_ready, options.PickerFactory?.Invoke(), options.OutlierDetection, options.TimeProvider);
    }

    public override void UpdateChannelState(ChannelState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Addresses is { } addresses)
        {
            lock (_lock)
            {
                foreach (var address in addresses)
                {
                    if (address.Attributes.TryGetValue(CairnGrpcAttributes.Endpoint, out var endpoint))
                    {
                        _endpoints[address.EndPoint] = endpoint;
                    }
                }
            }
        }

        base.UpdateChannelState(state);
    }

    protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
    {
        ArgumentNullException.ThrowIfNull(readySubchannels);
        lock (_lock)
        {
            var current = new Dictionary<BackendEndpoint, Subchannel>(ReferenceEqualityComparer.Instance);
            foreach (var subchannel in readySubchannels)
            {
                if (subchannel.CurrentAddress is { } address)
                {
                    current[EndpointFor(address.EndPoint)] = subchannel;
                }
            }

            // Publish the lookup before the balancer can pick a new endpoint, keeping the previous generation too.
            var lookup = new Dictionary<BackendEndpoint, Subchannel>(current, ReferenceEqualityComparer.Instance);
            foreach (var (endpoint, subchannel) in _current)
            {
                lookup.TryAdd(endpoint, subchannel);
            }

            _subchannels = lookup;
            _current = current;
            _ready.SetEndpoints(current.Keys);
            return new CairnSubchannelPicker(this);
        }
    }

    internal CairnLoadBalancer Balancer => _balancer;

    internal bool TryGetSubchannel(BackendEndpoint endpoint, out Subchannel? subchannel) =>
        _subchannels.TryGetValue(endpoint, out subchannel);

    private BackendEndpoint EndpointFor(DnsEndPoint address)
    {
        if (!_endpoints.TryGetValue(address, out var endpoint))
        {
            endpoint = new BackendEndpoint(new Uri($"http://{address.Host}:{address.Port}"));
            _endpoints[address] = endpoint;
        }

        return endpoint;
    }
}
