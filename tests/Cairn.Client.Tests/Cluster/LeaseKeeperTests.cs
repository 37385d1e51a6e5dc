using System.Net;
using Cairn.Client.Cluster;
using Cairn.TestKit;

namespace Cairn.Client.Tests.Cluster;

/// <summary>The lease keeper on a fake clock: it renews every third of the TTL and reports a lost lease.</summary>
public sealed class LeaseKeeperTests
{
    private static readonly TimeSpan _wait = TimeSpan.FromSeconds(5);
    private readonly RecordingTimeProvider _time = new();

    [Fact]
    public async Task It_renews_at_once_then_every_third_of_the_ttl_and_reports_a_lease_that_is_gone()
    {
        var gone = false;
        var handler = new ScriptedHandler(_time, (request, _) => Task.FromResult(request.RequestUri!.AbsolutePath switch
        {
            "/v1/session" => ScriptedHandler.Json(HttpStatusCode.OK, """{"session": 1}"""),
            _ when Volatile.Read(ref gone) => ScriptedHandler.Json(HttpStatusCode.BadRequest, """{"error": "leaseId 5 is not a live lease", "code": "LeaseNotFound"}"""),
            _ => ScriptedHandler.Json(HttpStatusCode.OK, """{"id": 5, "ttl": 3}"""),
        }));
        using var client = Client(handler);
        await using var keeper = client.StartLeaseKeeper(5, TimeSpan.FromSeconds(3));

        await Poll.UntilAsync(() => keeper.Renewals == 1, "the first renewal", _wait);
        await Poll.UntilAsync(() => _time.DueTimes.Contains(TimeSpan.FromSeconds(1)), "the renewal timer", _wait);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => keeper.Renewals == 2, "the second renewal", _wait);
        Assert.False(keeper.Lost.IsCancellationRequested);

        Volatile.Write(ref gone, true);
        await Poll.UntilAsync(() => _time.DueTimes.Count(d => d == TimeSpan.FromSeconds(1)) == 2, "the next renewal timer", _wait);
        _time.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<CairnException>(() => keeper.Completion).WaitAsync(_wait);

        Assert.Equal(CairnErrorCode.LeaseNotFound, error.ErrorCode);
        Assert.True(keeper.Lost.IsCancellationRequested);
        Assert.All(handler.Requests.Where(r => r.Uri.AbsolutePath != "/v1/session"), r => Assert.Equal("/v1/lease/5/keepalive", r.Uri.AbsolutePath));
    }

    [Fact]
    public async Task It_presumes_the_lease_expired_when_no_renewal_succeeds_for_a_whole_ttl()
    {
        var handler = new ScriptedHandler(_time, (request, _) => Task.FromResult(request.RequestUri!.AbsolutePath == "/v1/session"
            ? ScriptedHandler.Json(HttpStatusCode.OK, """{"session": 1}""")
            : ScriptedHandler.Unavailable()));
        using var client = Client(handler, baseDelay: TimeSpan.Zero);
        await using var keeper = client.StartLeaseKeeper(5, TimeSpan.FromSeconds(3));

        // Every renewal fails (two attempts, no backoff); the keeper tries again every sixth of the TTL until a whole TTL
        // has passed since it started.
        var retryDelay = TimeSpan.FromMilliseconds(500);
        var advanced = 0;
        while (!keeper.Completion.IsCompleted)
        {
            await Poll.UntilAsync(() => keeper.Completion.IsCompleted || _time.DueTimes.Count(d => d == retryDelay) > advanced, "the keeper to wait", _wait);
            if (!keeper.Completion.IsCompleted)
            {
                advanced++;
                _time.Advance(retryDelay);
            }
        }

        var error = await Assert.ThrowsAsync<CairnException>(() => keeper.Completion).WaitAsync(_wait);
        Assert.True(error.IsTransient);
        Assert.True(keeper.Lost.IsCancellationRequested);
        Assert.Equal(TimeSpan.FromSeconds(3), _time.GetUtcNow() - _time.Start);
    }

    private CairnClient Client(ScriptedHandler handler, TimeSpan? baseDelay = null)
    {
        var options = new CairnClientOptions { Endpoints = { new Uri("http://a.test/") }, TimeProvider = _time, RandomSeed = 1, HttpMessageHandler = handler };
        options.Retry.MaxAttempts = 2;
        options.Retry.BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(100);
        return new CairnClient(options);
    }
}
