using Cairn.Api.V1;
using Cairn.State.Kv;
using Cairn.State.Watch;
using Grpc.Core;
using WatchRequest = Cairn.Api.V1.WatchRequest;

namespace Cairn.Server.Grpc;

/// <summary>The <c>cairn.v1.Watch</c> service: served by any node from its watch hub, like the HTTP watch.</summary>
internal sealed class WatchGrpcService(WatchHub watches) : Watch.WatchBase
{
    public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context)
    {
        var subscribe = new State.Watch.WatchRequest(request.Key.ToByteArray(), request.Prefix, request.FromRevision, PrevKv: false);
        if (!watches.TrySubscribe(subscribe, out var subscription, out var error))
        {
            throw GrpcOutcomes.Failure(
                error.Code == State.StateStatus.RevisionCompacted ? StatusCode.OutOfRange : StatusCode.InvalidArgument, error.Code.ToString(), error.Message);
        }

        using (subscription)
        {
            try
            {
                await foreach (var change in subscription.Events.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    await responseStream.WriteAsync(new WatchResponse
                    {
                        Type = change.Type == WatchEventType.Put ? WatchResponse.Types.EventType.Put : WatchResponse.Types.EventType.Delete,
                        Revision = change.Revision,
                        Kv = KvGrpcService.ToProto(change.Kv),
                    }, context.CancellationToken).ConfigureAwait(false);
                }
            }
            catch (WatchCancelledException cancelled)
            {
                await responseStream.WriteAsync(new WatchResponse { Canceled = cancelled.Reason.ToString(), ResumeRevision = cancelled.ResumeRevision }).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                // The client went away.
            }
        }
    }
}
