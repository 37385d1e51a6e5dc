using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn member list|add|remove|promote</c>: membership, as etcd's <c>etcdctl member</c>.</summary>
internal static class MemberCommand
{
    public static Command Create(Option<string?> endpoints, Option<string> output)
    {
        var list = new Command("list", "List the members: name, id, role, leader, peer and client URLs.");
        list.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var (status, json) = await client.SendAsync(HttpMethod.Get, "/v1/members", null, ct).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, j => Table.Render(
                ["NAME", "ID", "ROLE", "LEADER", "PEER URL", "CLIENT URL"],
                [.. j.GetProperty("members").EnumerateArray().Select(m => new[]
                {
                    m.GetProperty("name").GetString()!, m.GetProperty("id").ToString(), m.GetProperty("role").GetString()!,
                    m.GetProperty("leader").GetBoolean() ? "*" : "", Text(m, "peerUrl"), Text(m, "clientUrl"),
                })]));
        }));

        var addName = new Argument<string>("name") { Description = "The new member's name (its id derives from it)." };
        var peerUrls = new Option<string>("--peer-urls") { Description = "Where the other members will reach it, e.g. http://127.0.0.1:7204.", Required = true };
        var learner = new Option<bool>("--learner") { Description = "Add it as a non-voting learner; promote it once it has caught up." };
        var add = new Command("add", "Add a member; then start it with the printed flags.") { addName, peerUrls, learner };
        add.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { name = parse.GetValue(addName), peerUrl = parse.GetValue(peerUrls), learner = parse.GetValue(learner) });
            var (status, json) = await client.SendAsync(HttpMethod.Post, "/v1/members", body, ct, "application/json").ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, j => new StringBuilder()
                .AppendLine($"added member {j.GetProperty("name").GetString()} (id {j.GetProperty("id")}){(j.GetProperty("learner").GetBoolean() ? " as a learner" : "")}; start it with:")
                .Append($"  cairn server --name {j.GetProperty("name").GetString()} --initial-cluster {j.GetProperty("initialCluster").GetString()} --initial-cluster-state existing")
                .ToString());
        }));

        return new Command("member", "Cluster membership.")
        {
            list,
            add,
            Change("remove", "Remove a member (the leader too: it steps down once the removal commits).", "delete", endpoints, output),
            Change("promote", "Make a learner a voter.", "promote", endpoints, output),
        };
    }

    private static Command Change(string verb, string description, string route, Option<string?> endpoints, Option<string> output)
    {
        var name = new Argument<string>("name") { Description = "The member." };
        var command = new Command(verb, description) { name };
        command.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var path = $"/v1/members/{Uri.EscapeDataString(parse.GetValue(name)!)}";
            var (status, json) = route == "delete"
                ? await client.SendAsync(HttpMethod.Delete, path, null, ct).ConfigureAwait(false)
                : await client.SendAsync(HttpMethod.Post, path + "/promote", [], ct).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, j => $"{verb}d member {j.GetProperty("name").GetString()}");
        }));
        return command;
    }

    private static string Text(JsonElement element, string property) =>
        element.GetProperty(property).GetString() is { Length: > 0 } text ? text : "-";
}
