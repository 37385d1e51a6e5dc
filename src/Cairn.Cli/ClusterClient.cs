using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cairn.Cli;

/// <summary>
/// The CLI's HTTP client for a cluster: tries the endpoints in order and moves on when one is down or answers "not
/// leader", so callers never need to know who leads.
/// </summary>
internal sealed class ClusterClient(IReadOnlyList<Uri> endpoints) : IDisposable
{
    public const string LocalEndpoints = "http://127.0.0.1:7101,http://127.0.0.1:7102,http://127.0.0.1:7103";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static ClusterClient FromOption(string? endpoints)
    {
        var list = endpoints ?? Environment.GetEnvironmentVariable("CAIRN_ENDPOINTS") ?? LocalEndpoints;
        return new ClusterClient([.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => new Uri(e))]);
    }

    public IReadOnlyList<Uri> Endpoints => endpoints;

    /// <summary>
    /// Sends the request to each endpoint until one answers other than "not leader" or "unavailable"; returns its status
    /// and JSON. The body is made afresh for each attempt (a sent request's content is consumed).
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken, string contentType = "application/octet-stream")
    {
        var errors = new List<string>();
        foreach (var endpoint in endpoints)
        {
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(endpoint, path));
                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
                }

                using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    errors.Add($"{endpoint}: {(json.TryGetProperty("error", out var error) ? error.GetString() : "unavailable")}");
                    continue;
                }

                return (response.StatusCode, json);
            }
            catch (HttpRequestException e)
            {
                errors.Add($"{endpoint}: {e.Message}");
            }
        }

        throw new CliException($"no endpoint could serve the request: {string.Join("; ", errors)}");
    }

    /// <summary>Streams the lines of a long-lived GET from the first endpoint that accepts it (watches are served by any node).</summary>
    public async IAsyncEnumerable<string> StreamAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var streaming = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        foreach (var endpoint in endpoints)
        {
            HttpResponseMessage response;
            try
            {
                response = await streaming.GetAsync(new Uri(endpoint, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                continue;
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var error = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                    throw new CliException(error.TryGetProperty("error", out var message) ? message.GetString()! : response.StatusCode.ToString());
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    yield return line;
                }

                yield break;
            }
        }

        throw new CliException("no endpoint accepted the watch");
    }

    /// <summary>GETs <paramref name="path"/> from one endpoint; null when it is unreachable.</summary>
    public async Task<JsonElement?> TryGetFromAsync(Uri endpoint, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetFromJsonAsync<JsonElement>(new Uri(endpoint, path), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
