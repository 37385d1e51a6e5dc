using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cairn.Client.Cluster;

/// <summary>
/// The wire format of the HTTP API (docs/api.md): request paths and bodies, answers to typed results, and error bodies
/// <c>{"error", "code", ...}</c> to <see cref="CairnException"/>. Parsing reads only what it needs, so fields the server
/// adds later are ignored.
/// </summary>
internal static partial class ApiJson
{
    /// <summary>The path of a key: each <c>/</c>-separated segment escaped.</summary>
    /// <exception cref="ArgumentException">The key is empty, or has a <c>.</c> or <c>..</c> segment: URL normalization
    /// (in System.Uri and in the server alike, escaped or not) removes those, so such a key cannot travel in a path.</exception>
    public static string KeyPath(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var segments = key.Split('/');
        if (segments.Any(s => s is "." or ".."))
        {
            throw new ArgumentException("must not have a '.' or '..' segment between slashes: URLs remove them (use a transaction to reach such a key)", nameof(key));
        }

        return "v1/kv/" + string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    public static string Query(string text) => Uri.EscapeDataString(text);

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string ConsistencyName(ReadConsistency consistency) => consistency switch
    {
        ReadConsistency.Linearizable => "linearizable",
        ReadConsistency.Stale => "stale",
        _ => throw new ArgumentOutOfRangeException(nameof(consistency), consistency, "not a read consistency"),
    };

    public static KeyValue KeyValue(JsonElement kv) => new(
        kv.GetProperty("key").GetString() ?? "",
        kv.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String ? value.GetBytesFromBase64() : ReadOnlyMemory<byte>.Empty,
        Number(kv, "createRevision"),
        Number(kv, "modRevision"),
        Number(kv, "version"),
        Number(kv, "lease"));

    public static IReadOnlyList<KeyValue> KeyValues(JsonElement body) =>
        body.TryGetProperty("kvs", out var kvs) ? [.. kvs.EnumerateArray().Select(KeyValue)] : [];

    public static long Number(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    public static TimeSpan Seconds(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? TimeSpan.FromSeconds(value.GetDouble()) : TimeSpan.Zero;

    public static bool Flag(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static IReadOnlyList<string> Texts(JsonElement body, string name) =>
        body.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
            ? [.. values.EnumerateArray().Select(v => v.GetString() ?? "")]
            : [];

    public static TxnResult TxnResult(JsonElement body) => new(
        Number(body, "revision"),
        Flag(body, "succeeded"),
        body.TryGetProperty("responses", out var responses) ? [.. responses.EnumerateArray().Select(TxnOperationResult)] : []);

    private static TxnOperationResult TxnOperationResult(JsonElement response)
    {
        if (response.TryGetProperty("get", out var get))
        {
            return new(TxnOperationKind.Get, 0, KeyValues(get), Flag(get, "more"));
        }

        return response.TryGetProperty("delete", out var delete)
            ? new(TxnOperationKind.Delete, Number(delete, "deleted"), [], false)
            : new(TxnOperationKind.Put, 0, [], false);
    }

    /// <summary>The body of <c>POST /v1/kv/txn</c>, in the server's JSON shape (see docs/api.md).</summary>
    public static byte[] TxnBody(CairnTxn txn)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("compare");
            foreach (var condition in txn.Conditions)
            {
                json.WriteStartObject();
                json.WriteString("key", condition.Key);
                json.WriteString("target", condition.Target);
                json.WriteString("op", condition.OperatorText);
                if (condition.Value is not null)
                {
                    json.WriteString("value", condition.Value);
                }

                json.WriteNumber("number", condition.Number);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteOperations(json, "success", txn.Success);
            WriteOperations(json, "failure", txn.Failure);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOperations(Utf8JsonWriter json, string name, IReadOnlyList<TxnOperation> operations)
    {
        json.WriteStartArray(name);
        foreach (var op in operations)
        {
            json.WriteStartObject();
            json.WriteStartObject(op.Kind switch
            {
                TxnOperationKind.Put => "put",
                TxnOperationKind.Delete => "delete",
                _ => "get",
            });
            json.WriteString("key", op.Key);
            if (op.Kind == TxnOperationKind.Put)
            {
                json.WriteString("value", op.Value);
                json.WriteNumber("lease", op.Lease);
            }
            else
            {
                json.WriteBoolean("prefix", op.Prefix);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>The exception for an error answer: <paramref name="body"/> is the JSON error body, when there was one.</summary>
    public static CairnException Error(Uri endpoint, HttpStatusCode status, JsonElement body)
    {
        var serverCode = Text(body, "code");
        var message = Text(body, "error") ?? $"HTTP {(int)status} {status}";
        var leaderUrl = Text(body, "leaderUrl") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? EndpointRing.WithTrailingSlash(parsed)
            : null;
        var code = ErrorCode(serverCode, status);
        return new CairnException(code, $"{endpoint}: {message}" + (serverCode is null ? "" : $" ({serverCode})"))
        {
            Field = FieldOf(message),
            ServerCode = serverCode,
            StatusCode = status,
            Endpoint = endpoint,
            LeaderName = code == CairnErrorCode.NotLeader ? Text(body, "leader") : null,
            LeaderUrl = leaderUrl,
        };
    }

    /// <summary>Maps the server's codes: the API's own (snake case) and the state machine's status names (Pascal case).</summary>
    public static CairnErrorCode ErrorCode(string? serverCode, HttpStatusCode status) => serverCode switch
    {
        "not_leader" => CairnErrorCode.NotLeader,
        "unavailable" => CairnErrorCode.Unavailable,
        "timeout" => CairnErrorCode.Timeout,
        "invalid_argument" or "InvalidArgument" or "Malformed" or "UnknownOperation" or "UnknownModule" or "UnsupportedVersion"
            or "FutureRevision" or "LeaseExists" => CairnErrorCode.InvalidArgument,
        "too_large" or "TooLarge" or "TooManySessions" => CairnErrorCode.TooLarge,
        "compare_failed" or "CompareFailed" => CairnErrorCode.CompareFailed,
        "LeaseNotFound" or "lease_not_found" => CairnErrorCode.LeaseNotFound,
        "RevisionCompacted" or "revision_compacted" => CairnErrorCode.RevisionCompacted,
        "not_found" => CairnErrorCode.NotFound,
        "SessionExpired" => CairnErrorCode.SessionExpired,
        _ => status switch
        {
            HttpStatusCode.BadRequest => CairnErrorCode.InvalidArgument,
            HttpStatusCode.NotFound => CairnErrorCode.NotFound,
            HttpStatusCode.RequestEntityTooLarge => CairnErrorCode.TooLarge,
            HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable => CairnErrorCode.Unavailable,
            HttpStatusCode.GatewayTimeout => CairnErrorCode.Timeout,
            _ => CairnErrorCode.Unknown,
        },
    };

    /// <summary>
    /// The field an error message names: the API writes <c>field: reason</c>, the state machine <c>field is ...</c> or
    /// <c>field N is ...</c> (with a path such as <c>success[0].</c> in transactions).
    /// </summary>
    public static string? FieldOf(string message)
    {
        var match = FieldPattern().Match(message);
        return match.Success ? match.Groups["field"].Value : null;
    }

    [GeneratedRegex(@"^(?<field>[A-Za-z][\w.\[\]-]*)(?:: | is | \d+ is )", RegexOptions.CultureInvariant)]
    private static partial Regex FieldPattern();
}
