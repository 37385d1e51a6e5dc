using System.CommandLine;
using System.Globalization;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn lease grant|keepalive|revoke|ttl</c>: time-to-live for keys.</summary>
internal static class LeaseCommand
{
    public static Command Create(Option<string?> endpoints, Option<string> output)
    {
        var ttl = new Argument<ulong>("ttl") { Description = "Time to live in seconds." };
        var id = new Argument<ulong>("id") { Description = "The lease id." };

        var grant = new Command("grant", "Grant a lease; prints its id.") { ttl };
        grant.SetAction((parse, ct) => Send(parse, endpoints, output, HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"/v1/lease/grant?ttl={parse.GetValue(ttl)}"),
            j => j.GetProperty("id").ToString(), ct));

        var keepAlive = new Command("keepalive", "Renew a lease once (its full TTL from now).") { id };
        keepAlive.SetAction((parse, ct) => Send(parse, endpoints, output, HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"/v1/lease/{parse.GetValue(id)}/keepalive"),
            j => $"lease {j.GetProperty("id")} renewed for {j.GetProperty("ttl")} s", ct));

        var revoke = new Command("revoke", "Revoke a lease and delete its keys.") { id };
        revoke.SetAction((parse, ct) => Send(parse, endpoints, output, HttpMethod.Delete, string.Create(CultureInfo.InvariantCulture, $"/v1/lease/{parse.GetValue(id)}"),
            j => $"revoked; {j.GetProperty("deletedKeys")} keys deleted", ct));

        var timeToLive = new Command("ttl", "Show a lease's remaining time and keys.") { id };
        timeToLive.SetAction((parse, ct) => Send(parse, endpoints, output, HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"/v1/lease/{parse.GetValue(id)}"),
            j => $"lease {j.GetProperty("id")}: {j.GetProperty("remainingTtl")} s of {j.GetProperty("grantedTtl")} s left; keys: {string.Join(", ", j.GetProperty("keys").EnumerateArray().Select(k => k.GetString()))}", ct));

        return new Command("lease", "Grant, renew, revoke and inspect leases.") { grant, keepAlive, revoke, timeToLive };
    }

    private static Task<int> Send(ParseResult parse, Option<string?> endpoints, Option<string> output, HttpMethod method, string path,
        Func<System.Text.Json.JsonElement, string> table, CancellationToken cancellationToken) =>
        Cli.RunAsync(parse, endpoints, async client =>
        {
            var (status, json) = await client.SendAsync(method, path, method == HttpMethod.Get || method == HttpMethod.Delete ? null : [], cancellationToken).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, table);
        });
}
