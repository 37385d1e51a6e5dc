using Cairn.Api.V1;
using Cairn.Node;
using Grpc.Core;

namespace Cairn.Server.Grpc;

/// <summary>The <c>cairn.v1.Cluster</c> service: the member list and this node's status, answered locally.</summary>
internal sealed class ClusterGrpcService(NodeHost node, MemberDirectory members) : Cluster.ClusterBase
{
    public override async Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var status = await node.GetStatusAsync(context.CancellationToken).ConfigureAwait(false);
        var response = new MemberListResponse();
        response.Members.AddRange(status.Membership.All.Order().Select(id => members.Find(id) is { } m
            ? new Member { Name = m.Name, Id = m.Id, PeerUrl = m.PeerUrl, ClientUrl = m.ClientUrl, Learner = status.Membership.IsLearner(id), Leader = id == status.Leader }
            : new Member { Name = id.ToString(), Id = id.Value, Learner = status.Membership.IsLearner(id), Leader = id == status.Leader }));
        return response;
    }

    public override async Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var s = await node.GetStatusAsync(context.CancellationToken).ConfigureAwait(false);
        return new StatusResponse
        {
            Name = members.Find(s.Id)?.Name ?? s.Id.ToString(),
            Id = s.Id.Value,
            Role = s.Role.ToString().ToLowerInvariant(),
            Term = s.Term.Value,
            Leader = members.Find(s.Leader)?.Name ?? "",
            LeaderUrl = members.ClientUrlOf(s.Leader)?.ToString() ?? "",
            Commit = s.Commit.Value,
            Applied = s.Applied.Value,
            LastIndex = s.LastIndex.Value,
        };
    }
}
