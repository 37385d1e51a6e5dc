using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Cairn.Client.Cluster;

/// <summary>Watches: a stream that survives node failures.</summary>
public sealed partial class CairnClient
{
    /// <summary>
    /// Streams every change to a key, or to every key with a prefix, in revision order, from
    /// <paramref name="fromRevision"/> — across reconnections: when the stream breaks (the node stopped, the network
    /// failed, or the server cancelled a lagging watcher) the client reconnects, to the next endpoint after a backoff, and
    /// resumes where it left off, so the consumer sees no gap and no duplicate. Runs until
    /// <paramref name="cancellationToken"/> is cancelled or the client disposed (then
    /// <see cref="OperationCanceledException"/>).
    /// </summary>
    /// <param name="key">The key, or the prefix; empty only with <paramref name="prefix"/> (every key).</param>
    /// <param name="prefix">True to watch every key starting with <paramref name="key"/>.</param>
    /// <param name="fromRevision">The first revision to deliver; 0 for changes after the serving node's current revision
    /// (as etcd: that node may lag the leader slightly, so a recent change may appear).</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The changes. One enumeration at a time per call; each enumeration opens its own stream.</returns>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.RevisionCompacted"/> when <paramref name="fromRevision"/>
    /// (or the resume point, after a long outage) is below the compaction point; <see cref="CairnErrorCode.InvalidArgument"/>
    /// or <see cref="CairnErrorCode.TooLarge"/> for a bad key; <see cref="CairnErrorCode.Unavailable"/> when
    /// <see cref="CairnRetryOptions.MaxAttempts"/> reconnections in a row failed.</exception>
    /// <remarks>A silent network partition is noticed only when TCP gives up on the connection: the server sends nothing
    /// while nothing changes.</remarks>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        string key, bool prefix = false, long fromRevision = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 && !prefix)
        {
            throw new ArgumentException("must not be empty unless prefix is true (an empty prefix watches every key)", nameof(key));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(fromRevision);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var position = new WatchPosition(fromRevision);
        var endpoint = _ring.Current;
        var failures = 0;
        while (true)
        {
            var (stream, error) = await ConnectWatchAsync(endpoint, key, prefix, position, watch.Token).ConfigureAwait(false);
            if (stream is null)
            {
                if (!error!.IsTransient || ++failures >= _maxAttempts)
                {
                    throw error.IsTransient ? Exhausted(error, failures) : error;
                }

                endpoint = _ring.After(endpoint);
                await Task.Delay(_backoff.NextDelay(failures), _time, watch.Token).ConfigureAwait(false);
                continue;
            }

            failures = 0;
            using (stream)
            {
                while (await ReadLineAsync(stream, watch.Token).ConfigureAwait(false) is { } line)
                {
                    // A cancellation line moves the position; the server then ends the stream.
                    if (Parse(line, position, endpoint) is { } change)
                    {
                        yield return change;
                    }
                }
            }

            // The stream ended or broke: resume, on the next endpoint after a short jittered pause (the node may be stopping).
            position.Reconnecting();
            endpoint = _ring.After(endpoint);
            await Task.Delay(_backoff.NextDelay(1), _time, watch.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Opens the stream at <paramref name="endpoint"/>: the reader, or the error that prevented it.</summary>
    private async Task<(StreamReader? Stream, CairnException? Error)> ConnectWatchAsync(
        Uri endpoint, string key, bool prefix, WatchPosition position, CancellationToken cancellationToken)
    {
        if (!position.IsKnown)
        {
            // "From now on" must become a revision before anything is delivered, or a reconnection could not resume.
            var current = await AttemptAsync(endpoint, new ApiRequest(HttpMethod.Get,
                ApiJson.Invariant($"v1/kv?prefix={ApiJson.Query(key)}&limit=1&consistency=stale")), null, 0, body => ApiJson.Number(body, "revision"), cancellationToken).ConfigureAwait(false);
            if (current.Kind != AttemptKind.Done)
            {
                return (null, current.Error);
            }

            position.StartAt(current.Value + 1);
        }

        using var timer = new CancellationTokenSource(_attemptTimeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var path = ApiJson.Invariant($"v1/watch?key={ApiJson.Query(key)}&prefix={(prefix ? "true" : "false")}&fromRevision={position.Next}");
        HttpResponseMessage? response = null;
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, path));
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                using var body = await ReadJsonAsync(response.Content, attempt.Token).ConfigureAwait(false);
                return (null, ApiJson.Error(endpoint, response.StatusCode, body?.RootElement ?? default));
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var reader = new StreamReader(new OwningStream(stream, response));
            response = null;
            return (reader, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (null, new CairnException(CairnErrorCode.Unavailable, $"{endpoint}: {e.Message}", e) { Endpoint = endpoint });
        }
        catch (OperationCanceledException e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, new CairnException(CairnErrorCode.Timeout, $"{endpoint}: the watch did not start within {_attemptTimeout.TotalSeconds:0.###} s", e) { Endpoint = endpoint });
        }
        finally
        {
            response?.Dispose();
        }
    }

    /// <summary>The next line, or null when the stream ended or broke (either way: reconnect).</summary>
    private static async Task<string?> ReadLineAsync(StreamReader stream, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The event on this line when it is new to the consumer; null for a duplicate, a blank line or a cancellation (which moves <paramref name="position"/>).</summary>
    private static WatchEvent? Parse(string line, WatchPosition position, Uri endpoint)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new CairnException(CairnErrorCode.Unknown, $"{endpoint}: a watch line is not JSON ({e.Message})", e) { Endpoint = endpoint };
        }

        using var owned = document;
        var json = document.RootElement;
        if (json.TryGetProperty("resumeRevision", out _))
        {
            position.ResumeAt(ApiJson.Number(json, "resumeRevision"));
            return null;
        }

        var revision = ApiJson.Number(json, "revision");
        if (!position.Accept(revision))
        {
            return null;
        }

        var type = ApiJson.Text(json, "type") == "delete" ? WatchEventType.Delete : WatchEventType.Put;
        return new WatchEvent(type, revision, ApiJson.KeyValue(json.GetProperty("kv")));
    }
}
