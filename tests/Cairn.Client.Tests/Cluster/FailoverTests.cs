using System.Collections.Concurrent;
using Cairn.Client.Cluster;
using Cairn.TestKit;
using Xunit.Abstractions;

namespace Cairn.Client.Tests.Cluster;

/// <summary>The cluster client when servers stop: each test has its own 3-node in-process cluster.</summary>
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_stopped_endpoint_listed_first_is_skipped_and_the_next_that_works_is_remembered()
    {
        var leader = await _cluster.WaitForLeaderAsync();
        var stopped = (leader + 1) % 3;
        await _cluster.StopAsync(stopped);
        var endpoints = new[] { _cluster.Endpoints[stopped] }.Concat(_cluster.Endpoints.Where((_, i) => i != stopped)).ToArray();
        await using var client = _cluster.Client(endpoints: endpoints);

        var revision = await client.PutAsync("first/k", "v");

        Assert.Equal(revision, (await client.GetAsync("first/k"))!.ModRevision);
        Assert.NotEqual(_cluster.Endpoints[stopped].Port, client.CurrentEndpoint.Port);
    }

    [Fact]
    public async Task A_watch_resumes_across_its_server_stopping_without_gaps_or_duplicates()
    {
        var leader = await _cluster.WaitForLeaderAsync();
        output.WriteLine($"leader n{leader + 1}; endpoints {string.Join(", ", _cluster.Endpoints)}");
        await using var writer = _cluster.Client();
        var start = (await writer.RangeAsync("w/")).Revision + 1;

        // The watch starts on the leader's node, which the test then stops mid-stream.
        await using var watcher = _cluster.Client(endpoints: _cluster.Endpoints.Skip(leader).Concat(_cluster.Endpoints.Take(leader)));
        using var stop = new CancellationTokenSource(InProcessCluster.Deadline);
        var seen = new ConcurrentQueue<WatchEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in watcher.WatchAsync("w/", prefix: true, fromRevision: start, stop.Token))
            {
                seen.Enqueue(change);
                if (seen.Count == 10)
                {
                    return;
                }
            }
        });

        var revisions = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            revisions.Add(await writer.PutAsync($"w/{i}", $"{i}"));
        }

        await Poll.UntilAsync(() => seen.Count >= 5, "the watch to see the first five puts", InProcessCluster.Deadline);
        await _cluster.StopAsync(leader);
        for (var i = 5; i < 10; i++)
        {
            revisions.Add(await writer.PutAsync($"w/{i}", $"{i}"));
        }

        await watching.WaitAsync(InProcessCluster.Deadline);
        var events = seen.ToArray();
        Assert.Equal(revisions, events.Select(e => e.Revision));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"w/{i}"), events.Select(e => e.Kv.Key));
        Assert.All(events, e => Assert.Equal(1, e.Kv.Version));
    }
}
