using System.Net;
using System.Text;
using System.Web;
using Cairn.Client.Cluster;

namespace Cairn.Client.Tests.Cluster;

/// <summary>
/// A watch over scripted streams that break mid-revision and get cancelled by the server: the consumer sees each event
/// once, in order, and each reconnection asks for the right revision.
/// </summary>
public sealed class WatchResumeTests
{
    private static readonly TimeSpan _wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Streams_that_break_mid_revision_or_are_cancelled_resume_without_gaps_or_duplicates()
    {
        var streams = new Queue<string[]>(
        [
            [Put(5, "a"), Put(6, "b"), Put(6, "c")],
            [Put(6, "b"), Put(6, "c"), Put(6, "d"), Put(7, "e"), """{"canceled": "Lagged", "resumeRevision": 8}"""],
            [Put(8, "f")],
        ]);
        var handler = new ScriptedHandler(TimeProvider.System, (_, _) =>
        {
            var lines = streams.Count > 0 ? streams.Dequeue() : [];
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                // The last stream stays open, as a live watch does.
                Content = new StreamContent(new ScriptedStream(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))), endOpen: streams.Count == 0)),
            });
        });
        using var client = Client(handler);

        using var deadline = new CancellationTokenSource(_wait);
        var seen = new List<WatchEvent>();
        await foreach (var change in client.WatchAsync("k/", prefix: true, fromRevision: 5, deadline.Token))
        {
            seen.Add(change);
            if (seen.Count == 6)
            {
                break;
            }
        }

        Assert.Equal([(5L, "k/a"), (6, "k/b"), (6, "k/c"), (6, "k/d"), (7, "k/e"), (8, "k/f")], seen.Select(e => (e.Revision, e.Kv.Key)));
        Assert.Equal(["5", "6", "8"], handler.Requests.Select(r => HttpUtility.ParseQueryString(r.Uri.Query)["fromRevision"]));
        Assert.Equal(["a.test", "b.test", "c.test"], handler.Requests.Select(r => r.Uri.Host));
    }

    [Fact]
    public async Task From_now_on_becomes_the_serving_nodes_revision_plus_one_before_the_stream_opens()
    {
        var handler = new ScriptedHandler(TimeProvider.System, (request, _) => Task.FromResult(request.RequestUri!.AbsolutePath == "/v1/kv"
            ? ScriptedHandler.Json(HttpStatusCode.OK, """{"revision": 41, "kvs": [], "more": false}""")
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new ScriptedStream(Encoding.UTF8.GetBytes(Put(42, "x") + "\n"), endOpen: true)) }));
        using var client = Client(handler);

        using var deadline = new CancellationTokenSource(_wait);
        await foreach (var change in client.WatchAsync("k/x", cancellationToken: deadline.Token))
        {
            Assert.Equal(42, change.Revision);
            break;
        }

        var requests = handler.Requests.ToArray();
        Assert.Equal("prefix=k%2Fx&limit=1&consistency=stale", requests[0].Uri.Query.TrimStart('?'));
        Assert.Equal("42", HttpUtility.ParseQueryString(requests[1].Uri.Query)["fromRevision"]);
        Assert.Equal("false", HttpUtility.ParseQueryString(requests[1].Uri.Query)["prefix"]);
    }

    private static string Put(long revision, string name) =>
        $$$"""{"type": "put", "revision": {{{revision}}}, "kv": {"key": "k/{{{name}}}", "value": "", "createRevision": {{{revision}}}, "modRevision": {{{revision}}}, "version": 1, "lease": 0}}""";

    private static CairnClient Client(ScriptedHandler handler)
    {
        var options = new CairnClientOptions { Endpoints = { new Uri("http://a.test/"), new Uri("http://b.test/"), new Uri("http://c.test/") }, RandomSeed = 1, HttpMessageHandler = handler };
        options.Retry.BaseDelay = TimeSpan.Zero;
        return new CairnClient(options);
    }

    /// <summary>Serves its bytes, then either ends (a broken or closed stream) or waits until the reader gives up (a live stream).</summary>
    private sealed class ScriptedStream(byte[] bytes, bool endOpen) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (read == 0 && endOpen)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return read;
        }
    }
}
