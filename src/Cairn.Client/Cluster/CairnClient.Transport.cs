using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Cairn.Client.Cluster;

/// <summary>The retry loop: endpoints, sessions, backoff and deadlines around single HTTP attempts.</summary>
public sealed partial class CairnClient
{
    private const string SessionHeader = "Cairn-Session";
    private const string SequenceHeader = "Cairn-Sequence";

    /// <summary>
    /// Sends <paramref name="request"/> until an endpoint answers it for good, within the call's deadline; returns
    /// <paramref name="parse"/> of the JSON answer (default for an empty one). A write takes a session and one sequence
    /// number for all its attempts.
    /// </summary>
    internal async Task<T> SendAsync<T>(ApiRequest request, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token, _lifetime.Token);
        ClientSession? session = null;
        var keepSession = true;
        CairnException? last = null;
        try
        {
            session = request.IsWrite ? await _sessions.RentAsync(OpenSessionAsync, call.Token).ConfigureAwait(false) : null;
            var sequence = session?.NextSequence() ?? 0;
            var target = _ring.Current;
            for (var attempt = 1; ; attempt++)
            {
                var result = await AttemptAsync(target, request, session, sequence, parse, call.Token).ConfigureAwait(false);
                switch (result.Kind)
                {
                    case AttemptKind.Done:
                        _ring.MarkWorked(target);
                        return result.Value!;
                    case AttemptKind.Fail:
                        throw result.Error!;
                    case AttemptKind.SessionExpired when attempt < _maxAttempts:
                        // No attempt of this write applied: an applied one would have kept the session alive for minutes
                        // beyond this call's deadline. So a fresh session and sequence cannot apply it twice.
                        _sessions.Return(session!, keep: false);
                        session = null;
                        session = await _sessions.RentAsync(OpenSessionAsync, call.Token).ConfigureAwait(false);
                        sequence = session.NextSequence();
                        continue;
                    case AttemptKind.SessionExpired:
                        keepSession = false;
                        throw result.Error!;
                    default:
                        break;
                }

                last = result.Error!;
                if (attempt >= _maxAttempts)
                {
                    throw Exhausted(last, attempt);
                }

                if (result.Redirect is { } leader && leader != target)
                {
                    // The node named the leader: go there at once; waiting would only add latency.
                    target = leader;
                    continue;
                }

                target = _ring.After(target);
                await Task.Delay(_backoff.NextDelay(attempt), _time, call.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new CairnException(CairnErrorCode.Timeout,
                $"no answer within {_timeout.TotalSeconds:0.###} s" + (last is null ? "" : $"; the last attempt: {last.Message}"), (Exception?)last ?? e)
            {
                Endpoint = last?.Endpoint,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _lifetime.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(CairnClient));
        }
        finally
        {
            if (session is not null)
            {
                _sessions.Return(session, keepSession);
            }
        }
    }

    /// <summary>One attempt at one endpoint, within the call's deadline, as a final answer or an error.</summary>
    internal async Task<T> SendOnceAsync<T>(Uri endpoint, ApiRequest request, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var result = await AttemptAsync(endpoint, request, null, 0, parse, call.Token).ConfigureAwait(false);
        return result.Kind == AttemptKind.Done ? result.Value! : throw result.Error!;
    }

    private Task<long> OpenSessionAsync(CancellationToken cancellationToken) =>
        SendAsync(new ApiRequest(HttpMethod.Post, "v1/session"), body => ApiJson.Number(body, "session"), cancellationToken);

    private async Task<AttemptResult<T>> AttemptAsync<T>(
        Uri endpoint, ApiRequest request, ClientSession? session, long sequence, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_attemptTimeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        using var message = CreateMessage(endpoint, request, session, sequence);
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
            using var body = await ReadJsonAsync(response.Content, attempt.Token).ConfigureAwait(false);
            return Classify(endpoint, request, response.StatusCode, body?.RootElement ?? default, parse);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return AttemptResult<T>.Retry(new CairnException(CairnErrorCode.Unavailable, $"{endpoint}: {e.Message}", e) { Endpoint = endpoint });
        }
        catch (OperationCanceledException e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var reason = $"{endpoint}: no answer within {_attemptTimeout.TotalSeconds:0.###} s";
            return AttemptResult<T>.Retry(new CairnException(CairnErrorCode.Timeout, reason, e) { Endpoint = endpoint });
        }
    }

    private static HttpRequestMessage CreateMessage(Uri endpoint, ApiRequest request, ClientSession? session, long sequence)
    {
        var message = new HttpRequestMessage(request.Method, new Uri(endpoint, request.Path));
        if (request.Body is { } body)
        {
            message.Content = new ReadOnlyMemoryContent(body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
        }

        if (session is not null)
        {
            message.Headers.Add(SessionHeader, session.Id.ToString(CultureInfo.InvariantCulture));
            message.Headers.Add(SequenceHeader, sequence.ToString(CultureInfo.InvariantCulture));
        }

        return message;
    }

    /// <summary>The answer's JSON, or null when it has none (an empty or non-JSON body, say from a proxy).</summary>
    private static async Task<JsonDocument?> ReadJsonAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var bytes = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static AttemptResult<T> Classify<T>(Uri endpoint, ApiRequest request, HttpStatusCode status, JsonElement body, Func<JsonElement, T> parse)
    {
        if ((int)status is >= 200 and < 300)
        {
            try
            {
                return AttemptResult<T>.Done(parse(body));
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
            {
                return new(AttemptKind.Fail, default, new CairnException(CairnErrorCode.Unknown, $"{endpoint}: unexpected answer ({e.Message})", e) { Endpoint = endpoint, StatusCode = status });
            }
        }

        var error = ApiJson.Error(endpoint, status, body);
        if (status == HttpStatusCode.NotFound && request.NotFoundIsEmpty && error.ServerCode == "not_found")
        {
            return AttemptResult<T>.Done(default);
        }

        return status switch
        {
            HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => AttemptResult<T>.Retry(error),
            _ when error.ErrorCode == CairnErrorCode.SessionExpired => new(AttemptKind.SessionExpired, default, error),
            _ => new(AttemptKind.Fail, default, error),
        };
    }

    private CairnException Exhausted(CairnException last, int attempts) =>
        new(last.ErrorCode, $"{attempts} attempts failed over {string.Join(", ", _ring.All)}; the last: {last.Message}", last)
        {
            Field = last.Field,
            ServerCode = last.ServerCode,
            StatusCode = last.StatusCode,
            Endpoint = last.Endpoint,
            LeaderName = last.LeaderName,
            LeaderUrl = last.LeaderUrl,
        };
}
