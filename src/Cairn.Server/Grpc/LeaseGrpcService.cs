using Cairn.Api.V1;
using Google.Protobuf;
using Grpc.Core;
using Kv = Cairn.State.Kv;

namespace Cairn.Server.Grpc;

/// <summary>The <c>cairn.v1.Lease</c> service over the command gateway.</summary>
internal sealed class LeaseGrpcService(CommandGateway gateway, GrpcOutcomes outcomes) : Lease.LeaseBase
{
    public override async Task<LeaseGrantResponse> Grant(LeaseGrantRequest request, ServerCallContext context)
    {
        if (request.TtlSeconds == 0)
        {
            throw GrpcOutcomes.Failure(StatusCode.InvalidArgument, "invalid_argument", "ttl_seconds: required, at least 1");
        }

        var grant = await ProposeAsync<Kv.LeaseGrantResponse>(new Kv.LeaseGrantCommand(0, request.TtlSeconds * 1000), context).ConfigureAwait(false);
        return new LeaseGrantResponse { Id = grant.LeaseId, TtlSeconds = grant.TtlMs / 1000.0 };
    }

    public override async Task<LeaseKeepAliveResponse> KeepAlive(LeaseKeepAliveRequest request, ServerCallContext context)
    {
        var alive = await ProposeAsync<Kv.LeaseKeepAliveResponse>(new Kv.LeaseKeepAliveCommand(request.Id), context).ConfigureAwait(false);
        return new LeaseKeepAliveResponse { Id = alive.LeaseId, TtlSeconds = alive.TtlMs / 1000.0 };
    }

    public override async Task<LeaseRevokeResponse> Revoke(LeaseRevokeRequest request, ServerCallContext context)
    {
        var revoked = await ProposeAsync<Kv.LeaseRevokeResponse>(new Kv.LeaseRevokeCommand(request.Id), context).ConfigureAwait(false);
        return new LeaseRevokeResponse { Revision = revoked.Revision, DeletedKeys = revoked.DeletedKeys };
    }

    public override async Task<LeaseTimeToLiveResponse> TimeToLive(LeaseTimeToLiveRequest request, ServerCallContext context)
    {
        var outcome = await gateway.QueryAsync(new Kv.LeaseTimeToLiveCommand(request.Id, Keys: true), linearizable: true, context.CancellationToken).ConfigureAwait(false);
        var ttl = outcomes.Expect<Kv.LeaseTimeToLiveResponse>(outcome);
        var response = new LeaseTimeToLiveResponse { Id = ttl.LeaseId, GrantedTtlSeconds = ttl.GrantedTtlMs / 1000.0, RemainingTtlSeconds = ttl.RemainingTtlMs / 1000.0 };
        response.Keys.AddRange(ttl.Keys.Select(ByteString.CopyFrom));
        return response;
    }

    private async Task<T> ProposeAsync<T>(Cairn.State.StateCommand command, ServerCallContext context)
        where T : Cairn.State.StateResponse
    {
        var (session, sequence) = GrpcOutcomes.Session(context);
        return outcomes.Expect<T>(await gateway.ProposeAsync(command, session, sequence, context.CancellationToken).ConfigureAwait(false));
    }
}
