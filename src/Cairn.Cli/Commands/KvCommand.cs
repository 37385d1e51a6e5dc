using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn kv put|get|del|ls|watch|txn|compact</c>: the key-value store from the command line.</summary>
internal static class KvCommand
{
    public static Command Create(Option<string?> endpoints, Option<string> output)
    {
        var key = new Argument<string>("key") { Description = "The key." };
        var value = new Argument<string>("value") { Description = "The value (UTF-8)." };
        var consistency = new Option<string>("--consistency")
        {
            Description = "linearizable (default: confirmed by a quorum) or stale (served by any node, possibly old).",
            DefaultValueFactory = _ => "linearizable",
        };
        consistency.AcceptOnlyFromAmong("linearizable", "stale");
        var prefix = new Argument<string>("prefix") { Description = "Key prefix.", DefaultValueFactory = _ => "" };
        var limit = new Option<ulong>("--limit") { Description = "At most this many keys (0: the server's limit, 10,000).", DefaultValueFactory = _ => 0 };
        var lease = new Option<ulong>("--lease") { Description = "Attach the key to this lease: it is deleted when the lease expires." };
        var watchPrefix = new Option<bool>("--prefix") { Description = "Watch every key with this prefix." };
        var fromRevision = new Option<ulong>("--rev") { Description = "Start from this revision (default: changes from now on)." };

        var put = new Command("put", "Set a key.") { key, value, lease };
        put.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var body = Encoding.UTF8.GetBytes(parse.GetValue(value)!);
            var path = parse.GetValue(lease) is var leaseId and not 0 ? $"{KvPath(parse.GetValue(key)!)}?lease={leaseId}" : KvPath(parse.GetValue(key)!);
            var (status, json) = await client.SendAsync(HttpMethod.Put, path, body, ct).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, _ => "OK");
        }));

        var get = new Command("get", "Print a key's value (just the value, for scripts).") { key, consistency };
        get.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var path = $"{KvPath(parse.GetValue(key)!)}?consistency={parse.GetValue(consistency)}";
            var (status, json) = await client.SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, j => Decode(j));
        }));

        var del = new Command("del", "Delete a key; prints how many keys were deleted.") { key };
        del.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var (status, json) = await client.SendAsync(HttpMethod.Delete, KvPath(parse.GetValue(key)!), null, ct).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, j => j.GetProperty("deleted").ToString());
        }));

        var ls = new Command("ls", "List keys by prefix.") { prefix, limit, consistency };
        ls.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var path = $"/v1/kv?prefix={Uri.EscapeDataString(parse.GetValue(prefix)!)}&limit={parse.GetValue(limit)}&consistency={parse.GetValue(consistency)}";
            var (status, json) = await client.SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, j => Table.Render(
                ["KEY", "VALUE", "MOD REVISION", "VERSION"],
                [.. j.GetProperty("kvs").EnumerateArray().Select(kv => new[]
                {
                    kv.GetProperty("key").GetString()!, Decode(kv), kv.GetProperty("modRevision").ToString(), kv.GetProperty("version").ToString(),
                })]));
        }));

        var watch = new Command("watch", "Print every change to a key (or prefix) as it happens, one JSON line each, until Ctrl+C; resumes on another node, with no gap and no repeat, when the one serving it goes away.") { key, watchPrefix, fromRevision };
        watch.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var lines = client.WatchAsync(parse.GetValue(key)!, parse.GetValue(watchPrefix), parse.GetValue(fromRevision), Console.Error, ct);
            await foreach (var line in lines.ConfigureAwait(false))
            {
                Console.WriteLine(line);
            }
        }));

        var file = new Option<FileInfo?>("--file") { Description = "Read the transaction from this JSON file instead of standard input." };
        var txn = new Command("txn", "Run a transaction (JSON, see docs/api.md): compares, then success or failure operations, atomically.") { file };
        txn.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var json = parse.GetValue(file) is { } path
                ? await File.ReadAllBytesAsync(path.FullName, ct).ConfigureAwait(false)
                : Encoding.UTF8.GetBytes(await Console.In.ReadToEndAsync(ct).ConfigureAwait(false));
            var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/kv/txn", json, ct, "application/json").ConfigureAwait(false);
            Cli.EnsureSuccess(status, body);
            Cli.Print(parse.GetValue(output)!, body, j => j.GetProperty("succeeded").GetBoolean() ? "SUCCEEDED" : "FAILED");
        }));

        var revision = new Argument<ulong>("revision") { Description = "The oldest revision watches may still start from." };
        var compact = new Command("compact", "Discard watch history before a revision.") { revision };
        compact.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var (status, json) = await client.SendAsync(HttpMethod.Post, $"/v1/kv/compact?revision={parse.GetValue(revision)}", [], ct).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, j => $"compacted at revision {j.GetProperty("compactRevision")}");
        }));

        return new Command("kv", "Read, write and watch keys.") { put, get, del, ls, watch, txn, compact };
    }

    private static string KvPath(string key) => "/v1/kv/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    private static string Decode(JsonElement kv) => Encoding.UTF8.GetString(Convert.FromBase64String(kv.GetProperty("value").GetString()!));
}
