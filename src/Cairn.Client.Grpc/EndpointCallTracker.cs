using Cairn.Client.LoadBalancing;
using Grpc.Net.Client.Balancer;
using CairnLoadBalancer = Cairn.Client.LoadBalancing.LoadBalancer;

namespace Cairn.Client.Grpc;

/// <summary>
/// One call's hold on an endpoint: taken when gRPC starts the call, released once when it completes, with the result
/// read from the exception (transport failures) or from <see cref="GrpcEndpointFailureHandler"/>'s verdict.
/// </summary>
internal sealed class EndpointCallTracker : ISubchannelCallTracker
{
    private readonly CairnLoadBalancer _balancer;
    private readonly BackendEndpoint _endpoint;
    private readonly HttpRequestMessage? _request;
    private EndpointLease _lease;

    // 0 = picked, 1 = started, 2 = completed; a call completes at most once and only after it started.
    private int _state;

    public EndpointCallTracker(CairnLoadBalancer balancer, BackendEndpoint endpoint, HttpRequestMessage? request)
    {
        _balancer = balancer;
        _endpoint = endpoint;
        _request = request;
    }

    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
        {
            _lease = _balancer.Acquire(_endpoint);
        }
    }

    public void Complete(CompletionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Interlocked.CompareExchange(ref _state, 2, 1) == 1)
        {
            _lease.Release(Classify(context.Error));
        }
    }

    private EndpointCallResult Classify(Exception? error) => error switch
    {
        // A cancellation or deadline says nothing certain about the endpoint.
        OperationCanceledException => EndpointCallResult.Ignored,
        not null => EndpointCallResult.Failure,
        _ when _request is not null && _request.Options.TryGetValue(GrpcEndpointFailureHandler.FailedOption, out var failed) && failed => EndpointCallResult.Failure,
        _ => EndpointCallResult.Success,
    };
}
