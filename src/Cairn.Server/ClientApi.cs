using System.Text;
using Cairn.Node;
using Cairn.Raft;
using Cairn.State;
using Cairn.State.Cluster;
using Cairn.State.Kv;
using Cairn.State.Watch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Server;

/// <summary>
/// The HTTP/JSON client API under <c>/v1/</c>, plus health endpoints. Keys are the rest of the path; values travel as raw
/// request bodies and come back base64-encoded in JSON (as etcd's JSON gateway does). Errors are JSON
/// <c>{"error": ..., "code": ...}</c> with a meaningful status: 400 invalid argument (naming the field), 404 not found,
/// 413 too large, 503 not leader (with the leader's name and address) or unavailable, 504 timeout. A follower forwards
/// writes to the leader inside Raft, relays over HTTP (<see cref="LeaderRelay"/>) only what the leader alone may propose
/// (lease grants and keep-alives, stamped with its clock; membership changes), and serves linearizable reads itself
/// after asking the leader for a read index.
/// </summary>
internal sealed partial class ClientApi(CairnServer server, CommandGateway gateway, WatchHub watches, MemberDirectory members, LeaderRelay relay)
{
    /// <summary>The largest value, in bytes (1 MiB).</summary>
    public const int MaxValueBytes = 1 << 20;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/livez", () => Results.Ok(new { status = "alive" }));
        app.MapGet("/startupz", () => Results.Ok(new { status = "started" }));
        app.MapGet("/readyz", ReadyAsync);
        app.MapGet("/v1/status", StatusAsync);
        app.MapGet("/v1/kv", RangeAsync);
        app.MapPost("/v1/kv/txn", TxnAsync);
        app.MapPost("/v1/kv/compact", (ulong? revision, HttpRequest request, CancellationToken ct) => revision is null or 0
            ? Task.FromResult(Error(StatusCodes.Status400BadRequest, "invalid_argument", "revision: required, the oldest revision to keep"))
            : ProposeAsync(new KvCompactCommand(revision.Value), ct, request));
        app.MapGet("/v1/kv/{**key}", GetAsync);
        app.MapPut("/v1/kv/{**key}", PutAsync);
        app.MapDelete("/v1/kv/{**key}", DeleteAsync);
        app.MapPost("/v1/lease/grant", (ulong? ttl, HttpRequest request, CancellationToken ct) => ttl is null or 0
            ? Task.FromResult(Error(StatusCodes.Status400BadRequest, "invalid_argument", "ttl: required, in seconds, at least 1"))
            : ProposeAsync(new LeaseGrantCommand(0, ttl.Value * 1000), ct, request));
        app.MapPost("/v1/lease/{id}/keepalive", (ulong id, HttpRequest request, CancellationToken ct) => ProposeAsync(new LeaseKeepAliveCommand(id), ct, request));
        app.MapDelete("/v1/lease/{id}", (ulong id, HttpRequest request, CancellationToken ct) => ProposeAsync(new LeaseRevokeCommand(id), ct, request));
        app.MapGet("/v1/lease/{id}", (ulong id, CancellationToken ct) => QueryAsync(new LeaseTimeToLiveCommand(id, Keys: true), "linearizable", single: false, ct));
        app.MapGet("/v1/watch", WatchAsync);
        app.MapPost("/v1/session", (CancellationToken ct) => ProposeAsync(new RegisterSessionCommand(), ct));
        app.MapPost("/v1/leader/transfer", TransferAsync);
        MapMembers(app);
    }

    private async Task<IResult> ReadyAsync(CancellationToken cancellationToken)
    {
        var status = await server.Node.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (status.Leader.IsNone)
        {
            return Results.Json(new { status = "no leader" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        // A follower serves writes by relaying them, which needs the leader's client address: until the leader has
        // published it, writes sent here would only be refused.
        var leader = members.Find(status.Leader)?.Name;
        return status.Leader != status.Id && members.ClientUrlOf(status.Leader) is null
            ? Results.Json(new { status = "leader address unknown", leader }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Ok(new { status = "ready", leader });
    }

    /// <summary>Hands leadership to the member named <c>to</c> (thesis §3.10); served by the leader.</summary>
    private async Task<IResult> TransferAsync(string? to, CancellationToken cancellationToken)
    {
        var target = to is null ? null : members.Find(to);
        if (target is null)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_argument", $"to: '{to}' is not a member ({string.Join(", ", members.Members.Select(m => m.Name))})");
        }

        var result = await server.Node.TransferLeadershipAsync(new NodeId(target.Id), cancellationToken).ConfigureAwait(false);
        return result switch
        {
            ProposeResult.Accepted => Results.Ok(new { transferringTo = target.Name }),
            ProposeResult.NotLeader => relay.NotLeader((await server.Node.GetStatusAsync(cancellationToken).ConfigureAwait(false)).Leader),
            _ => Error(StatusCodes.Status400BadRequest, "invalid_argument", $"to: {result}"),
        };
    }

    private async Task<IResult> StatusAsync(CancellationToken cancellationToken)
    {
        var s = await server.Node.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return Results.Ok(new
        {
            name = server.Self.Name,
            id = s.Id.Value,
            role = s.Role.ToString().ToLowerInvariant(),
            term = s.Term.Value,
            clientUrl = server.ClientUrl?.ToString(),
            grpcUrl = server.GrpcUrl?.ToString(),
            leader = members.Find(s.Leader)?.Name,
            leaderUrl = members.ClientUrlOf(s.Leader)?.ToString(),
            commit = s.Commit.Value,
            applied = s.Applied.Value,
            lastIndex = s.LastIndex.Value,
            snapshotRestoredIndex = gateway.RestoredIndex,
            voters = s.Membership.Voters.Select(v => members.Find(v)?.Name ?? v.ToString()).ToArray(),
            learners = s.Membership.Learners.Select(v => members.Find(v)?.Name ?? v.ToString()).ToArray(),
        });
    }

    private async Task<IResult> PutAsync(string key, ulong? lease, HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxValueBytes)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, "too_large", $"value: {request.ContentLength} bytes; the limit is {MaxValueBytes}");
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        if (body.Length > MaxValueBytes)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, "too_large", $"value: more than {MaxValueBytes} bytes");
        }

        return await ProposeAsync(new KvPutCommand(Encoding.UTF8.GetBytes(key), body.ToArray(), lease ?? 0), cancellationToken, request).ConfigureAwait(false);
    }

    private async Task<IResult> TxnAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, invalid) = await ReadJsonAsync<TxnRequest>(request, cancellationToken).ConfigureAwait(false);
        if (invalid is not null)
        {
            return invalid;
        }

        if (body!.ToCommand(out var error) is not { } command)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_argument", error ?? "body: invalid");
        }

        return await ProposeAsync(command, cancellationToken, request).ConfigureAwait(false);
    }

    private Task<IResult> DeleteAsync(string key, HttpRequest request, CancellationToken cancellationToken) =>
        ProposeAsync(new KvDeleteCommand(Encoding.UTF8.GetBytes(key)), cancellationToken, request);

    /// <summary>
    /// Reads the optional exactly-once headers (Raft thesis §6.3): <c>Cairn-Session</c> (from <c>POST /v1/session</c>)
    /// and <c>Cairn-Sequence</c> (1, 2, ... per session; a retry reuses its number and gets the first answer).
    /// </summary>
    private static bool TryReadSession(HttpRequest? request, out ulong sessionId, out ulong sequence, out IResult invalid)
    {
        sessionId = 0;
        sequence = 0;
        invalid = Results.Empty;
        if (request is null || !request.Headers.TryGetValue("Cairn-Session", out var session))
        {
            return true;
        }

        if (!ulong.TryParse(session, out sessionId) || sessionId == 0)
        {
            invalid = Error(StatusCodes.Status400BadRequest, "invalid_argument", "Cairn-Session: must be a session id from POST /v1/session");
            return false;
        }

        if (!ulong.TryParse(request.Headers["Cairn-Sequence"], out sequence) || sequence == 0)
        {
            invalid = Error(StatusCodes.Status400BadRequest, "invalid_argument", "Cairn-Sequence: required with Cairn-Session, a number from 1");
            return false;
        }

        return true;
    }

    private Task<IResult> GetAsync(string key, string? consistency, CancellationToken cancellationToken) =>
        QueryAsync(new KvRangeCommand(Encoding.UTF8.GetBytes(key)), consistency, single: true, cancellationToken);

    private Task<IResult> RangeAsync(string? prefix, ulong? limit, string? consistency, CancellationToken cancellationToken) =>
        QueryAsync(new KvRangeCommand(Encoding.UTF8.GetBytes(prefix ?? ""), Prefix: true, Limit: limit ?? 0), consistency, single: false, cancellationToken);

    private async Task<IResult> ProposeAsync(StateCommand command, CancellationToken cancellationToken, HttpRequest? request = null)
    {
        if (!TryReadSession(request, out var sessionId, out var sequence, out var invalid))
        {
            return invalid;
        }

        // A command stamped with the leader's clock is proposed only by the leader: relay it there straight away when
        // another node is known to lead (the event loop would only say the same, later). Other commands a follower
        // forwards to the leader inside Raft, which costs no HTTP round trip.
        var leader = server.Node.LeaderElsewhere;
        if (command is ILeaderStampedCommand && leader != NodeId.None)
        {
            return relay.NotLeader(leader);
        }

        var outcome = await gateway.ProposeAsync(command, sessionId, sequence, cancellationToken).ConfigureAwait(false);
        if (!outcome.Applied)
        {
            return Refused(outcome);
        }

        return outcome.Response switch
        {
            ErrorResponse error => Error(StatusCodes.Status400BadRequest, error.Code.ToString(), error.Message),
            KvTxnResponse { Responses: [KvDeleteResponse deleted] } txn when command is KvDeleteCommand => Results.Ok(new { revision = txn.Revision, deleted = deleted.Deleted }),
            KvTxnResponse txn when command is KvTxnCommand => Results.Ok(new
            {
                revision = txn.Revision,
                succeeded = txn.Succeeded,
                responses = txn.Responses.Select(r => r switch
                {
                    KvRangeResponse range => (object)new { get = new { kvs = range.Kvs.Select(Json).ToArray(), more = range.More } },
                    KvDeleteResponse deleted => new { delete = new { deleted = deleted.Deleted } },
                    _ => new { put = new { } },
                }).ToArray(),
            }),
            KvTxnResponse txn => Results.Ok(new { revision = txn.Revision }),
            LeaseGrantResponse grant => Results.Ok(new { id = grant.LeaseId, ttl = grant.TtlMs / 1000.0 }),
            LeaseKeepAliveResponse alive => Results.Ok(new { id = alive.LeaseId, ttl = alive.TtlMs / 1000.0 }),
            KvCompactResponse compacted => Results.Ok(new { revision = compacted.Revision, compactRevision = compacted.CompactRevision }),
            EmptyResponse when command is MemberPublishCommand publish => Results.Ok(new { name = publish.Name, id = publish.Id }),
            LeaseRevokeResponse revoked => Results.Ok(new { revision = revoked.Revision, deletedKeys = revoked.DeletedKeys }),
            SessionRegisteredResponse session => Results.Ok(new { session = session.SessionId }),
            var other => Results.Ok(new { result = other?.ToString() }),
        };
    }

    private async Task<IResult> QueryAsync(StateCommand query, string? consistency, bool single, CancellationToken cancellationToken)
    {
        if (consistency is not (null or "linearizable" or "stale"))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_argument", "consistency: must be 'linearizable' or 'stale'");
        }

        // Served here even on a follower: a linearizable read asks the leader only for a read index (thesis §6.4).
        var outcome = await gateway.QueryAsync(query, linearizable: consistency != "stale", cancellationToken).ConfigureAwait(false);
        if (!outcome.Applied)
        {
            return Refused(outcome);
        }

        return outcome.Response switch
        {
            ErrorResponse error => Error(StatusCodes.Status400BadRequest, error.Code.ToString(), error.Message),
            KvTxnResponse { Responses: [KvRangeResponse { Kvs: [] }] } when single => Error(StatusCodes.Status404NotFound, "not_found", "key not found"),
            KvTxnResponse { Responses: [KvRangeResponse { Kvs: [var kv, ..] }] } when single => Results.Ok(Json(kv)),
            KvTxnResponse { Responses: [KvRangeResponse found] } txn => Results.Ok(new { revision = txn.Revision, kvs = found.Kvs.Select(Json).ToArray(), more = found.More }),
            LeaseTimeToLiveResponse ttl => Results.Ok(new
            {
                id = ttl.LeaseId,
                grantedTtl = ttl.GrantedTtlMs / 1000.0,
                remainingTtl = ttl.RemainingTtlMs / 1000.0,
                keys = ttl.Keys.Select(k => Encoding.UTF8.GetString(k)).ToArray(),
            }),
            var other => Results.Ok(new { result = other?.ToString() }),
        };
    }

    /// <summary>
    /// Streams change events as newline-delimited JSON from <c>fromRevision</c> (default: from now on), in revision
    /// order, with no gaps and no duplicates; 400 <c>RevisionCompacted</c> when that revision is compacted. A watcher
    /// too slow to keep up gets a last line <c>{"canceled": ..., "resumeRevision": R}</c> and may watch again from R.
    /// </summary>
    private async Task WatchAsync(HttpContext context, string key, bool? prefix, ulong? fromRevision, CancellationToken cancellationToken)
    {
        var request = new WatchRequest(Encoding.UTF8.GetBytes(key), prefix ?? false, fromRevision ?? 0, PrevKv: false);
        if (!watches.TrySubscribe(request, out var subscription, out var error))
        {
            await Error(StatusCodes.Status400BadRequest, error.Code.ToString(), error.Message).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        using (subscription)
        {
            context.Response.ContentType = "application/x-ndjson";
            await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await foreach (var change in subscription.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    var line = System.Text.Json.JsonSerializer.Serialize(new
                    {
                        type = change.Type.ToString().ToLowerInvariant(),
                        revision = change.Revision,
                        kv = Json(change.Kv),
                    });
                    await context.Response.WriteAsync(line + "\n", cancellationToken).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (WatchCancelledException cancelled)
            {
                await context.Response.WriteAsync(
                    System.Text.Json.JsonSerializer.Serialize(new { canceled = cancelled.Reason.ToString(), resumeRevision = cancelled.ResumeRevision }) + "\n",
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client went away.
            }
        }
    }

    private static object Json(KeyValue kv) => new
    {
        key = Encoding.UTF8.GetString(kv.Key),
        value = Convert.ToBase64String(kv.Value),
        createRevision = kv.CreateRevision,
        modRevision = kv.ModRevision,
        version = kv.Version,
        lease = kv.LeaseId,
    };

    private IResult Refused(GatewayOutcome outcome) => outcome.Refusal switch
    {
        null => Error(StatusCodes.Status504GatewayTimeout, "timeout", $"no answer from the cluster within {gateway.Timeout.TotalSeconds:0.#} s"),
        { Status: ProposalStatus.NotLeader } refusal => relay.NotLeader(refusal.Leader),
        { Status: ProposalStatus.Rejected } refusal => Error(StatusCodes.Status400BadRequest, "invalid_argument", refusal.Reason ?? "rejected"),
        var refusal => Error(StatusCodes.Status503ServiceUnavailable, "unavailable", refusal.Reason ?? refusal.Status.ToString()),
    };

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = message, code }, statusCode: status);
}
