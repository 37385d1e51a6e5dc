using System.CommandLine;
using System.Text.Json;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn status</c>: one row per endpoint — node, role, term, commit and applied index, leader.</summary>
internal static class StatusCommand
{
    public static Command Create(Option<string?> endpoints, Option<string> output)
    {
        var command = new Command("status", "Show every node's role, term, commit and applied index, and leader.");
        command.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var rows = new List<JsonElement>();
            var table = new List<string[]>();
            foreach (var endpoint in client.Endpoints)
            {
                if (await client.TryGetFromAsync(endpoint, "/v1/status", ct).ConfigureAwait(false) is { } status)
                {
                    rows.Add(status);
                    table.Add([
                        status.GetProperty("name").GetString()!, endpoint.ToString(), status.GetProperty("role").GetString()!,
                        status.GetProperty("term").ToString(), status.GetProperty("commit").ToString(), status.GetProperty("applied").ToString(),
                        status.GetProperty("leader").GetString() ?? "-",
                    ]);
                }
                else
                {
                    table.Add(["?", endpoint.ToString(), "unreachable", "-", "-", "-", "-"]);
                }
            }

            if (rows.Count == 0)
            {
                throw new CliException("no endpoint answered");
            }

            var json = JsonSerializer.SerializeToElement(rows);
            Cli.Print(parse.GetValue(output)!, json, _ => Table.Render(["NODE", "ENDPOINT", "ROLE", "TERM", "COMMIT", "APPLIED", "LEADER"], table));
        }));
        return command;
    }
}
