using System.CommandLine;
using System.Net;
using System.Text.Json;

namespace Cairn.Cli;

/// <summary>Conventions shared by the client commands: endpoints, output format, one-line errors and exit codes.</summary>
internal static class Cli
{
    private static readonly JsonSerializerOptions _indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(ParseResult parse, Option<string?> endpoints, Func<ClusterClient, Task> action)
    {
        try
        {
            using var client = ClusterClient.FromOption(parse.GetValue(endpoints));
            await action(client).ConfigureAwait(false);
            return 0;
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync($"cairn: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (UriFormatException e)
        {
            await Console.Error.WriteLineAsync($"cairn: --endpoints: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    public static void EnsureSuccess(HttpStatusCode status, JsonElement body)
    {
        if ((int)status >= 300)
        {
            var message = body.TryGetProperty("error", out var error) ? error.GetString() : status.ToString();
            throw new CliException(message ?? status.ToString());
        }
    }

    public static void Print(string format, JsonElement body, Func<JsonElement, string> table) =>
        Console.WriteLine(format == "json" ? JsonSerializer.Serialize(body, _indented) : table(body));
}
