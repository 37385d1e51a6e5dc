using Cairn.Api.V1;
using Cairn.State;
using Grpc.Core;

namespace Cairn.Server.Grpc;

/// <summary>The <c>cairn.v1.Session</c> service: opens client sessions for exactly-once writes.</summary>
internal sealed class SessionGrpcService(CommandGateway gateway, GrpcOutcomes outcomes) : Session.SessionBase
{
    public override async Task<SessionRegisterResponse> Register(SessionRegisterRequest request, ServerCallContext context)
    {
        var outcome = await gateway.ProposeAsync(new RegisterSessionCommand(), 0, 0, context.CancellationToken).ConfigureAwait(false);
        return new SessionRegisterResponse { Session = outcomes.Expect<SessionRegisteredResponse>(outcome).SessionId };
    }
}
