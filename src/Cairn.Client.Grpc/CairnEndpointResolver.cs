using Cairn.Client.LoadBalancing;
using Grpc.Core;
using Grpc.Net.Client.Balancer;

namespace Cairn.Client.Grpc;

/// <summary>
/// Resolves a channel's target to the actively healthy endpoints of a Cairn <see cref="EndpointSource"/>, and
/// resolves again whenever the source raises <see cref="EndpointSource.Changed"/>.
/// </summary>
/// <remarks>
/// Each endpoint becomes a <see cref="BalancerAddress"/> of its host and port, carrying the endpoint itself under
/// <see cref="CairnGrpcAttributes.Endpoint"/>; the scheme is the channel's (its credentials decide http or https).
/// With no healthy endpoint it reports <see cref="StatusCode.Unavailable"/>.
/// </remarks>
internal sealed class CairnEndpointResolver : Resolver
{
    private readonly Lock _lock = new();
    private readonly string _serviceName;
    private readonly EndpointSource _source;
    private Action<ResolverResult>? _listener;
    private bool _disposed;

    public CairnEndpointResolver(string serviceName, EndpointSource source)
    {
        _serviceName = serviceName;
        _source = source;
    }

    public override void Start(Action<ResolverResult> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_lock)
        {
            if (_listener is not null)
            {
                throw new InvalidOperationException("The resolver has already been started.");
            }

            _listener = listener;
        }

        _source.Changed += OnSourceChanged;
        Publish();
    }

    public override void Refresh() => Publish();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Changed -= OnSourceChanged;
            lock (_lock)
            {
                _disposed = true;
            }
        }

        base.Dispose(disposing);
    }

    private void OnSourceChanged(object? sender, EventArgs e) => Publish();

    private void Publish()
    {
        // Under the lock so two racing changes reach the channel in order; each publishes the whole current list.
        lock (_lock)
        {
            if (_listener is null || _disposed)
            {
                return;
            }

            var addresses = new List<BalancerAddress>();
            foreach (var endpoint in _source.Endpoints)
            {
                if (endpoint.IsHealthy)
                {
                    var address = new BalancerAddress(endpoint.Address.Host, endpoint.Address.Port);
                    address.Attributes.Set(CairnGrpcAttributes.Endpoint, endpoint);
                    addresses.Add(address);
                }
            }

            _listener(addresses.Count > 0
                ? ResolverResult.ForResult(addresses)
                : ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"No endpoint of service '{_serviceName}' is available: the Cairn endpoint source is empty or every endpoint is marked unhealthy.")));
        }
    }
}
