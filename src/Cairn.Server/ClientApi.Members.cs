using System.Text.Json;
using System.Text.RegularExpressions;
using Cairn.Node;
using Cairn.Raft;
using Cairn.State;
using Cairn.State.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Server;

/// <summary>
/// Membership over the API, as etcd's <c>member</c> commands: list, add (a voter, or a learner to promote once it has
/// caught up), remove, promote, and update a member's addresses. Changes go one at a time through Raft (thesis §4.1);
/// the new member's peer address travels inside the membership entry, so every node learns it as the change commits.
/// </summary>
internal sealed partial class ClientApi
{
    private void MapMembers(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/members", ListMembersAsync);
        app.MapPost("/v1/members", AddMemberAsync);
        app.MapPut("/v1/members/{name}", UpdateMemberAsync);
        app.MapDelete("/v1/members/{name}", (string name, CancellationToken ct) => ChangeMemberAsync(name, MembershipChangeKind.RemoveNode, ct));
        app.MapPost("/v1/members/{name}/promote", (string name, CancellationToken ct) => ChangeMemberAsync(name, MembershipChangeKind.PromoteLearner, ct));
    }

    private async Task<IResult> ListMembersAsync(CancellationToken cancellationToken)
    {
        var status = await server.Node.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return Results.Ok(new
        {
            members = status.Membership.All.Order()
                .Select(id => Member(members.Find(id) ?? new MemberRecord(id.Value, id.ToString(), "", ""), status)).ToArray(),
        });
    }

    private static object Member(MemberRecord m, NodeStatus status) => new
    {
        name = m.Name,
        id = m.Id,
        role = Role(new NodeId(m.Id), status),
        leader = m.Id == status.Leader.Value,
        peerUrl = m.PeerUrl,
        clientUrl = m.ClientUrl,
    };

    private static string Role(NodeId id, NodeStatus status) => status.Membership.IsVoter(id) ? "voter" : "learner";

    private async Task<IResult> AddMemberAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadJsonAsync<MemberAddRequest>(request, cancellationToken).ConfigureAwait(false);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var add = body.Value!;
        if (add.Name is null || !MemberName().IsMatch(add.Name))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_argument", "name: required, 1 to 64 of A-Z a-z 0-9 . _ -");
        }

        if (ParseUrl(add.PeerUrl, "peerUrl", required: true) is { } invalid)
        {
            return invalid;
        }

        var status = await server.Node.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var id = new NodeId(ClusterMember.IdOf(add.Name));
        if (status.Membership.Contains(id))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_argument", $"name: '{add.Name}' is already a member");
        }

        var context = StateCodec.EncodeCommand(new MemberPublishCommand(id.Value, add.Name, add.PeerUrl!, ""));
        var kind = add.Learner ? MembershipChangeKind.AddLearner : MembershipChangeKind.AddVoter;
        return await ChangeAsync(new MembershipChange(kind, id, context), () =>
        {
            var cluster = members.Members.Where(m => m.Id != id.Value && m.PeerUrl.Length > 0).Select(m => $"{m.Name}={m.PeerUrl}")
                .Append($"{add.Name}={add.PeerUrl}");
            return Results.Ok(new
            {
                name = add.Name,
                id = id.Value,
                learner = add.Learner,
                initialCluster = string.Join(',', cluster),
                initialClusterState = "existing",
            });
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IResult> ChangeMemberAsync(string name, MembershipChangeKind kind, CancellationToken cancellationToken)
    {
        var status = await server.Node.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var id = new NodeId(ClusterMember.IdOf(name));
        if (!status.Membership.Contains(id))
        {
            return Error(StatusCodes.Status404NotFound, "not_found", $"name: '{name}' is not a member");
        }

        return await ChangeAsync(new MembershipChange(kind, id, ReadOnlyMemory<byte>.Empty),
            () => Results.Ok(new { name, id = id.Value, change = kind.ToString() }), cancellationToken).ConfigureAwait(false);
    }

    private async Task<IResult> UpdateMemberAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadJsonAsync<MemberUpdateRequest>(request, cancellationToken).ConfigureAwait(false);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var update = body.Value!;
        if ((ParseUrl(update.PeerUrl, "peerUrl", required: false) ?? ParseUrl(update.ClientUrl, "clientUrl", required: false)) is { } invalid)
        {
            return invalid;
        }

        var status = await server.Node.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var id = ClusterMember.IdOf(name);
        if (!status.Membership.Contains(new NodeId(id)))
        {
            return Error(StatusCodes.Status404NotFound, "not_found", $"name: '{name}' is not a member");
        }

        return await ProposeAsync(new MemberPublishCommand(id, name, update.PeerUrl ?? "", update.ClientUrl ?? ""), cancellationToken, request).ConfigureAwait(false);
    }

    private async Task<IResult> ChangeAsync(MembershipChange change, Func<IResult> applied, CancellationToken cancellationToken)
    {
        var outcome = await gateway.ChangeMembershipAsync(change, cancellationToken).ConfigureAwait(false);
        return outcome.Applied ? applied() : Refused(outcome);
    }

    private static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await request.ReadFromJsonAsync<T>(cancellationToken).ConfigureAwait(false);
            return value is null ? (null, Error(StatusCodes.Status400BadRequest, "invalid_argument", "body: empty")) : (value, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, Error(StatusCodes.Status400BadRequest, "invalid_argument", $"body: not valid JSON for this request ({e.Message})"));
        }
    }

    private static IResult? ParseUrl(string? value, string field, bool required) =>
        string.IsNullOrEmpty(value)
            ? required ? Error(StatusCodes.Status400BadRequest, "invalid_argument", $"{field}: required") : null
            : Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && value.Length <= MemberPublishCommand.MaxUrlBytes
                ? null
                : Error(StatusCodes.Status400BadRequest, "invalid_argument", $"{field}: '{value}' is not an http URL of at most {MemberPublishCommand.MaxUrlBytes} characters");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex MemberName();
}
