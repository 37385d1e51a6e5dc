using System.Net;
using Cairn.Client.Cluster;
using Cairn.TestKit;

namespace Cairn.Client.Tests.Cluster;

/// <summary>
/// The retry loop on a fake clock, against scripted answers: which failures are retried, where the next attempt goes,
/// how long it waits, and that a write keeps its session and sequence number across attempts. Nothing sleeps: time
/// moves only when the test advances it, after the client has armed its delay.
/// </summary>
public sealed class RetryTests
{
    private const long Seed = 20_260_601;
    private static readonly Uri _a = new("http://a.test/");
    private static readonly Uri _b = new("http://b.test/");
    private static readonly Uri _c = new("http://c.test/");
    private static readonly TimeSpan _wait = TimeSpan.FromSeconds(5);

    private readonly RecordingTimeProvider _time = new();

    [Fact]
    public async Task Transient_failures_move_to_the_next_endpoint_after_the_drawn_jittered_delay_and_not_before()
    {
        var answers = 0;
        var handler = new ScriptedHandler(_time, (_, _) => Task.FromResult(Interlocked.Increment(ref answers) switch
        {
            1 => ScriptedHandler.Unavailable(),
            2 => ScriptedHandler.Json(HttpStatusCode.GatewayTimeout, """{"error": "no answer from the cluster within 5 s", "code": "timeout"}"""),
            _ => ScriptedHandler.Json(HttpStatusCode.OK, """{"key": "k", "value": "dg==", "createRevision": 3, "modRevision": 4, "version": 2, "lease": 0}"""),
        }));
        using var client = Client(handler);
        var twin = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), Seed);
        var first = twin.NextDelay(1);
        var second = twin.NextDelay(2);

        var get = client.GetAsync("k");
        await AdvanceThroughAsync(first, handler, expectedRequests: 2);
        await AdvanceThroughAsync(second, handler, expectedRequests: 3);
        var kv = await get.WaitAsync(_wait);

        Assert.Equal(("k", "v", 2L), (kv!.Key, kv.ValueText, kv.Version));
        var seen = handler.Requests.ToArray();
        Assert.Equal([_a, _b, _c], seen.Select(r => new Uri(r.Uri.GetLeftPart(UriPartial.Authority) + "/")));
        Assert.Equal([first, first + second], seen.Skip(1).Select(r => r.At - seen[0].At));
        Assert.Equal(_c, client.CurrentEndpoint);
    }

    [Fact]
    public async Task A_not_leader_answer_with_the_leaders_url_is_followed_at_once_and_remembered()
    {
        var handler = new ScriptedHandler(_time, (request, _) => Task.FromResult(request.RequestUri!.Host == "b.test"
            ? ScriptedHandler.Json(HttpStatusCode.OK, """{"revision": 9, "kvs": [], "more": false}""")
            : ScriptedHandler.Json(HttpStatusCode.ServiceUnavailable, """{"error": "not leader", "code": "not_leader", "leader": "n2", "leaderUrl": "http://b.test"}""")));
        using var client = Client(handler);

        var range = await client.RangeAsync("p/").WaitAsync(_wait);
        await client.RangeAsync("p/").WaitAsync(_wait);

        Assert.Equal(9, range.Revision);
        Assert.Equal(["a.test", "b.test", "b.test"], handler.Requests.Select(r => r.Uri.Host));
        Assert.Equal(_b, client.CurrentEndpoint);
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_names_the_field()
    {
        var handler = new ScriptedHandler(_time, (request, _) => Task.FromResult(request.RequestUri!.AbsolutePath == "/v1/session"
            ? ScriptedHandler.Json(HttpStatusCode.OK, """{"session": 1}""")
            : ScriptedHandler.Json(HttpStatusCode.BadRequest, """{"error": "ttl: required, in seconds, at least 1", "code": "invalid_argument"}""")));
        using var client = Client(handler);

        var error = await Assert.ThrowsAsync<CairnException>(() => client.GrantLeaseAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal((CairnErrorCode.InvalidArgument, "ttl", "invalid_argument", HttpStatusCode.BadRequest), (error.ErrorCode, error.Field, error.ServerCode, error.StatusCode));
        Assert.Single(handler.Requests, r => r.Uri.AbsolutePath.StartsWith("/v1/lease", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_the_last_attempt_the_last_transient_error_is_reported()
    {
        var handler = new ScriptedHandler(_time, (request, _) => request.RequestUri!.Host == "a.test"
            ? throw new HttpRequestException("Connection refused (a.test:80)")
            : Task.FromResult(ScriptedHandler.Unavailable()));
        using var client = Client(handler, o => (o.Retry.BaseDelay, o.Retry.MaxAttempts) = (TimeSpan.Zero, 4));

        var error = await Assert.ThrowsAsync<CairnException>(() => client.GetAsync("k")).WaitAsync(_wait);

        Assert.Equal(CairnErrorCode.Unavailable, error.ErrorCode);
        Assert.Contains("4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a.test", "b.test", "c.test", "a.test"], handler.Requests.Select(r => r.Uri.Host));
    }

    [Fact]
    public async Task A_call_with_no_answer_fails_with_timeout_at_its_deadline()
    {
        var handler = new ScriptedHandler(_time, async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var client = Client(handler, o => (o.Timeout, o.AttemptTimeout) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)));

        var get = client.GetAsync("k");
        await Poll.UntilAsync(() => handler.Requests.Count == 1, "the first attempt", _wait);
        _time.Advance(TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<CairnException>(() => get).WaitAsync(_wait);

        Assert.Equal(CairnErrorCode.Timeout, error.ErrorCode);
    }

    [Fact]
    public async Task A_cancelled_call_throws_operation_cancelled()
    {
        var handler = new ScriptedHandler(_time, async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var client = Client(handler);
        using var cancel = new CancellationTokenSource();

        var get = client.GetAsync("k", cancellationToken: cancel.Token);
        await Poll.UntilAsync(() => handler.Requests.Count == 1, "the first attempt", _wait);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get).WaitAsync(_wait);
    }

    [Fact]
    public async Task A_retried_write_keeps_its_session_and_sequence_and_the_next_write_takes_the_next_number()
    {
        var puts = 0;
        var handler = new ScriptedHandler(_time, (request, _) => Task.FromResult(request.RequestUri!.AbsolutePath switch
        {
            "/v1/session" => ScriptedHandler.Json(HttpStatusCode.OK, """{"session": 77}"""),
            _ when Interlocked.Increment(ref puts) == 1 => throw new HttpRequestException("Connection reset by peer"),
            _ => ScriptedHandler.Json(HttpStatusCode.OK, """{"revision": 12}"""),
        }));
        using var client = Client(handler, o => o.Retry.BaseDelay = TimeSpan.Zero);

        Assert.Equal(12, await client.PutAsync("k", "v").WaitAsync(_wait));
        Assert.Equal(12, await client.PutAsync("k", "w").WaitAsync(_wait));

        var writes = handler.Requests.Where(r => r.Method == HttpMethod.Put).Select(r => (r.Session, r.Sequence)).ToArray();
        Assert.Equal([("77", "1"), ("77", "1"), ("77", "2")], writes);
        Assert.Single(handler.Requests, r => r.Uri.AbsolutePath == "/v1/session");
        Assert.All(handler.Requests.Where(r => r.Method != HttpMethod.Put), r => Assert.Null(r.Session));
    }

    [Fact]
    public async Task An_expired_session_is_replaced_and_the_write_sent_again_with_the_new_one()
    {
        var sessions = 0;
        var handler = new ScriptedHandler(_time, (request, _) => Task.FromResult(request.RequestUri!.AbsolutePath == "/v1/session"
            ? ScriptedHandler.Json(HttpStatusCode.OK, $$"""{"session": {{Interlocked.Increment(ref sessions)}}}""")
            : request.Headers.GetValues("Cairn-Session").Single() == "1"
                ? ScriptedHandler.Json(HttpStatusCode.BadRequest, """{"error": "sessionId 1 is unknown or expired; register a new session", "code": "SessionExpired"}""")
                : ScriptedHandler.Json(HttpStatusCode.OK, """{"revision": 3, "deleted": 1}""")));
        using var client = Client(handler);

        var deleted = await client.DeleteAsync("k").WaitAsync(_wait);

        Assert.Equal(1, deleted.Deleted);
        Assert.Equal([("1", "1"), ("2", "1")], handler.Requests.Where(r => r.Method == HttpMethod.Delete).Select(r => (r.Session, r.Sequence)));
    }

    private CairnClient Client(ScriptedHandler handler, Action<CairnClientOptions>? configure = null)
    {
        var options = new CairnClientOptions { Endpoints = { _a, _b, _c }, TimeProvider = _time, RandomSeed = Seed, HttpMessageHandler = handler };
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        configure?.Invoke(options);
        return new CairnClient(options);
    }

    /// <summary>Waits until the client armed a timer of <paramref name="delay"/>, checks time just short of it changes nothing, then lets it fire.</summary>
    private async Task AdvanceThroughAsync(TimeSpan delay, ScriptedHandler handler, int expectedRequests)
    {
        await Poll.UntilAsync(() => _time.DueTimes.Contains(delay), $"a backoff timer of {delay} (armed: {string.Join(", ", _time.DueTimes)}; requests {handler.Requests.Count})", _wait);
        _time.Advance(delay - TimeSpan.FromTicks(1));
        Assert.Equal(expectedRequests - 1, handler.Requests.Count);
        _time.Advance(TimeSpan.FromTicks(1));
        await Poll.UntilAsync(() => handler.Requests.Count == expectedRequests, $"request {expectedRequests}", _wait);
    }
}
