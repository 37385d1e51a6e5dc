using Cairn.Node;
using Cairn.State;
using Grpc.Core;

namespace Cairn.Server.Grpc;

/// <summary>
/// Maps gateway outcomes to gRPC: state-machine errors to status codes (the trailer <c>cairn-error-code</c> keeps the
/// precise code), a follower's refusal to UNAVAILABLE with the leader's name and address, a timeout to
/// DEADLINE_EXCEEDED; and reads the exactly-once metadata.
/// </summary>
internal sealed class GrpcOutcomes(MemberDirectory members)
{
    public const string ErrorCodeTrailer = "cairn-error-code";

    /// <summary>Whether the request is a gRPC call (its body is not buffered for relaying).</summary>
    public static bool IsGrpc(Microsoft.AspNetCore.Http.HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;

    /// <summary>The response when applied without error; otherwise throws the matching <see cref="RpcException"/>.</summary>
    public T Expect<T>(GatewayOutcome outcome)
        where T : StateResponse
    {
        if (outcome.IsTimeout)
        {
            throw Failure(StatusCode.DeadlineExceeded, "timeout", "no answer from the cluster in time");
        }

        if (outcome.Refusal is { } refusal)
        {
            if (refusal.Status == ProposalStatus.NotLeader)
            {
                var trailers = new Metadata { { ErrorCodeTrailer, "not_leader" } };
                if (members.Find(refusal.Leader) is { } leader)
                {
                    trailers.Add("cairn-leader", leader.Name);
                    trailers.Add("cairn-leader-url", leader.ClientUrl);
                }

                throw new RpcException(new Status(StatusCode.Unavailable, "not leader"), trailers);
            }

            throw refusal.Status == ProposalStatus.Rejected
                ? Failure(StatusCode.InvalidArgument, "invalid_argument", refusal.Reason ?? "rejected")
                : Failure(StatusCode.Unavailable, "unavailable", refusal.Reason ?? refusal.Status.ToString());
        }

        return outcome.Response switch
        {
            T response => response,
            ErrorResponse error => throw Failure(CodeOf(error.Code), error.Code.ToString(), error.Message),
            var other => throw Failure(StatusCode.Internal, "internal", $"unexpected response {other?.GetType().Name}"),
        };
    }

    /// <summary>Reads <c>cairn-session</c> and <c>cairn-sequence</c> (both absent: no session).</summary>
    public static (ulong Session, ulong Sequence) Session(ServerCallContext context)
    {
        var session = context.RequestHeaders.GetValue("cairn-session");
        if (session is null)
        {
            return (0, 0);
        }

        if (!ulong.TryParse(session, out var id) || id == 0)
        {
            throw Failure(StatusCode.InvalidArgument, "invalid_argument", "cairn-session: must be a session id from Session.Register");
        }

        if (!ulong.TryParse(context.RequestHeaders.GetValue("cairn-sequence"), out var sequence) || sequence == 0)
        {
            throw Failure(StatusCode.InvalidArgument, "invalid_argument", "cairn-sequence: required with cairn-session, a number from 1");
        }

        return (id, sequence);
    }

    public static RpcException Failure(StatusCode code, string errorCode, string message) =>
        new(new Status(code, message), new Metadata { { ErrorCodeTrailer, errorCode } });

    private static StatusCode CodeOf(StateStatus status) => status switch
    {
        StateStatus.TooLarge or StateStatus.TooManySessions => StatusCode.ResourceExhausted,
        StateStatus.LeaseNotFound => StatusCode.NotFound,
        StateStatus.LeaseExists => StatusCode.AlreadyExists,
        StateStatus.RevisionCompacted or StateStatus.FutureRevision => StatusCode.OutOfRange,
        StateStatus.SessionExpired or StateStatus.SessionSequenceStale or StateStatus.StaleLeaderEpoch => StatusCode.FailedPrecondition,
        _ => StatusCode.InvalidArgument,
    };
}
