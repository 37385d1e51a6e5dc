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

    /// <summary>
    /// Streams a watch's event lines (JSON, as the server sends them) until cancelled. Any node serves a watch; when the
    /// one serving it goes away, or cancels a watcher that fell behind, the watch resumes on the next endpoint from the
    /// last revision seen, skipping the events of that revision already printed, so the stream has no gap and no
    /// duplicate across failovers. A watch "from now" first reads the current revision (linearizably) so that its
    /// resumption point is known from the start. A refusal (a compacted revision, a bad key) ends it with that error.
    /// </summary>
    public async IAsyncEnumerable<string> WatchAsync(
        string key, bool prefix, ulong fromRevision, TextWriter notices, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (fromRevision == 0)
        {
            var (status, current) = await SendAsync(HttpMethod.Get, $"/v1/kv?prefix={Uri.EscapeDataString(key)}&limit=1", null, cancellationToken).ConfigureAwait(false);
            Cli.EnsureSuccess(status, current);
            fromRevision = current.GetProperty("revision").GetUInt64() + 1;
        }

        using var streaming = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        // The last revision printed and how many of its events were (a transaction's events share one revision).
        var (last, printedAtLast) = (fromRevision, 0);
        var failedInARow = 0;
        for (var attempt = 0; ; attempt++)
        {
            var endpoint = endpoints[attempt % endpoints.Count];
            if (failedInARow >= endpoints.Count)
            {
                // Every endpoint failed once in a row: wait before the next round, 0.1 s doubling up to 2 s.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 << Math.Min(5, failedInARow - endpoints.Count))), cancellationToken).ConfigureAwait(false);
            }

            HttpResponseMessage response;
            try
            {
                var path = $"/v1/watch?key={Uri.EscapeDataString(key)}&prefix={(prefix ? "true" : "false")}&fromRevision={last}";
                response = await streaming.GetAsync(new Uri(endpoint, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                failedInARow++;
                continue;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    failedInARow++;
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    var error = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                    throw new CliException(error.TryGetProperty("error", out var message) ? message.GetString()! : response.StatusCode.ToString());
                }

                failedInARow = 0;
                var toSkip = printedAtLast;
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
                while (true)
                {
                    string? line;
                    try
                    {
                        line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        line = null;
                    }

                    if (line is null)
                    {
                        break;
                    }

                    using var json = JsonDocument.Parse(line);
                    if (json.RootElement.TryGetProperty("resumeRevision", out var resume))
                    {
                        // The server cancelled this watcher (it fell behind): everything before resumeRevision was sent.
                        (last, printedAtLast) = (resume.GetUInt64(), 0);
                        break;
                    }

                    var revision = json.RootElement.GetProperty("revision").GetUInt64();
                    if (revision == last && toSkip > 0)
                    {
                        toSkip--;
                        continue;
                    }

                    if (revision != last)
                    {
                        (last, printedAtLast) = (revision, 0);
                    }

                    printedAtLast++;
                    yield return line;
                }

                await notices.WriteLineAsync($"cairn: the watch on {endpoint} ended; resuming from revision {last} on another endpoint").ConfigureAwait(false);
            }
        }
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
