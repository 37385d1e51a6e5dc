using Cairn.Raft;
using Microsoft.AspNetCore.Http;

namespace Cairn.Server;

/// <summary>
/// Answers a request this node cannot serve because it does not lead: it relays the request, once, to the leader's
/// client URL and copies the answer back, so clients never need to know who leads. A request that was already relayed
/// (the leader moved meanwhile), or one whose leader has no known address, gets 503 <c>not_leader</c> with the
/// leader's name and address instead. Request bodies are rewindable (the API buffers them), so the relay resends
/// exactly the bytes the client sent, session headers included: a relayed retry is still applied once.
/// </summary>
internal sealed class LeaderRelay(HttpClient http, MemberDirectory members, string selfName)
{
    /// <summary>Set on a relayed request to the name of the node that relayed it.</summary>
    public const string RelayedByHeader = "Cairn-Relayed-By";

    private static readonly string[] _forwardedHeaders = ["Cairn-Session", "Cairn-Sequence", "Content-Type"];

    public IResult NotLeader(NodeId leader) => new RelayResult(this, leader);

    private async Task ExecuteAsync(HttpContext context, NodeId leader)
    {
        var leaderName = members.Find(leader)?.Name;
        var leaderUrl = members.ClientUrlOf(leader);
        if (leaderUrl is null || context.Request.Headers.ContainsKey(RelayedByHeader))
        {
            await Refuse(context, leaderName, leaderUrl).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(leaderUrl, request.Path.ToUriComponent() + request.QueryString.ToUriComponent()));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            message.Content = new StreamContent(request.Body);
        }

        foreach (var name in _forwardedHeaders)
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)value))
                {
                    message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)value);
                }
            }
        }

        message.Headers.Add(RelayedByHeader, selfName);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            await Results.Json(
                new { error = $"the leader {leaderName} at {leaderUrl} is unreachable: {e.Message}", code = "unavailable", leader = leaderName, leaderUrl = leaderUrl.ToString() },
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static Task Refuse(HttpContext context, string? leaderName, Uri? leaderUrl) =>
        Results.Json(
            new { error = "not leader", code = "not_leader", leader = leaderName, leaderUrl = leaderUrl?.ToString() },
            statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);

    private sealed class RelayResult(LeaderRelay relay, NodeId leader) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => relay.ExecuteAsync(httpContext, leader);
    }
}
