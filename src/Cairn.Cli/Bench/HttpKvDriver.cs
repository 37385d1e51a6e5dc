using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Cairn.Cli.Bench;

/// <summary>
/// Drives Cairn's HTTP/JSON API (docs/api.md): <c>PUT /v1/kv/{key}</c> with the raw value and
/// <c>GET /v1/kv/{key}?consistency=...</c>. Client <c>i</c> sends to endpoint <c>i mod count</c> (followers relay writes
/// and linearizable reads to the leader); a <c>503 not_leader</c> that names a <c>leaderUrl</c> is retried there, at most
/// <see cref="MaxRedirects"/> times, within the same request's latency.
/// </summary>
/// <remarks>
/// One <see cref="HttpClient"/> over a <see cref="SocketsHttpHandler"/> with room for a connection per client, no proxy,
/// no redirects, no cookies; a request that takes more than 10 s fails.
/// </remarks>
internal sealed class HttpKvDriver : IKvDriver
{
    /// <summary>How many times one request follows <c>leaderUrl</c> before it counts as failed.</summary>
    public const int MaxRedirects = 2;

    private static readonly MediaTypeHeaderValue _octetStream = new("application/octet-stream");

    private readonly HttpClient _http;
    private readonly Uri[] _endpoints;
    private readonly string _query;

    public HttpKvDriver(BenchOptions options)
    {
        _endpoints = [.. options.Endpoints];
        _query = "?consistency=" + options.Consistency;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Clients,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <inheritdoc/>
    public string Name => "cairn";

    /// <inheritdoc/>
    public ValueTask<KvOutcome> PutAsync(int client, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, EndpointOf(client), "/v1/kv/" + key, value, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<KvOutcome> GetAsync(int client, string key, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, EndpointOf(client), "/v1/kv/" + key + _query, null, cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private Uri EndpointOf(int client) => _endpoints[client % _endpoints.Length];

    private async ValueTask<KvOutcome> SendAsync(HttpMethod method, Uri endpoint, string path, ReadOnlyMemory<byte>? body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(endpoint, path));
            if (body is { } value)
            {
                request.Content = new ReadOnlyMemoryContent(value);
                request.Content.Headers.ContentType = _octetStream;
            }

            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return KvOutcome.Success;
            }

            var (code, leaderUrl) = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && code == "not_leader" && leaderUrl is not null && attempt < MaxRedirects)
            {
                endpoint = leaderUrl;
                continue;
            }

            return KvOutcome.Failed(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {code ?? response.ReasonPhrase}"));
        }
    }

    /// <summary>The error body's <c>code</c> and <c>leaderUrl</c>, when it is the API's JSON error.</summary>
    private static async Task<(string? Code, Uri? LeaderUrl)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var leader = root.TryGetProperty("leaderUrl", out var l) && l.ValueKind == JsonValueKind.String
                && Uri.TryCreate(l.GetString(), UriKind.Absolute, out var url) ? url : null;
            return (code, leader);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
