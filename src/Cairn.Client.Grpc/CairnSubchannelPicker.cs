using Grpc.Core;
using Grpc.Net.Client.Balancer;

namespace Cairn.Client.Grpc;

/// <summary>
/// Picks a ready subchannel per call with the channel's Cairn balancer. The call counts as in flight only from the
/// moment gRPC starts it (a pick may be discarded), until it completes; its result feeds passive ejection.
/// </summary>
internal sealed class CairnSubchannelPicker : SubchannelPicker
{
    private readonly CairnSubchannelsLoadBalancer _owner;

    public CairnSubchannelPicker(CairnSubchannelsLoadBalancer owner) => _owner = owner;

    public override PickResult Pick(PickContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_owner.Balancer.TryPick(out var endpoint) && _owner.TryGetSubchannel(endpoint, out var subchannel))
        {
            return PickResult.ForSubchannel(subchannel!, new EndpointCallTracker(_owner.Balancer, endpoint, context.Request));
        }

        return PickResult.ForFailure(new Status(StatusCode.Unavailable, "No ready endpoint is available to the Cairn load balancer."));
    }
}
