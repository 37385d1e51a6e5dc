using System.Net;
using System.Text;
using System.Text.Json;

namespace Cairn.Server.Tests;

/// <summary>Leases expire keys through committed time, and watches see every change in order, over real processes.</summary>
public sealed class LeaseAndWatchTests
{
    [Fact]
    public async Task A_key_on_an_expired_lease_is_deleted_and_a_watcher_sees_every_change_in_order()
    {
        using var cluster = new ProcessCluster(3);
        await cluster.WaitForLeaderAsync();
        using var watchCancel = new CancellationTokenSource(ProcessCluster.Deadline);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<JsonElement>();
        var watching = Task.Run(async () =>
        {
            await foreach (var line in cluster.Client.WatchAsync("lease/", prefix: true, fromRevision: 0, TextWriter.Null, watchCancel.Token))
            {
                var change = JsonDocument.Parse(line).RootElement.Clone();
                lines.Enqueue(change);
                if (change.GetProperty("type").GetString() == "delete")
                {
                    return;
                }
            }
        });

        var (granted, grant) = await cluster.Client.SendAsync(HttpMethod.Post, "/v1/lease/grant?ttl=1", [], CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, granted);
        var lease = grant.GetProperty("id").GetUInt64();
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            // The watch may not be subscribed yet: write until the watcher has seen the first put.
            if (lines.Count == 0)
            {
                await cluster.Client.SendAsync(HttpMethod.Put, "/v1/kv/lease/plain", Encoding.UTF8.GetBytes("p"), CancellationToken.None);
            }

            return lines.Count > 0;
        }, "the watch to see a put");
        var (put, _) = await cluster.Client.SendAsync(HttpMethod.Put, $"/v1/kv/lease/held?lease={lease}", Encoding.UTF8.GetBytes("h"), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, put);

        await ProcessCluster.WaitUntilAsync(async () =>
            (await cluster.Client.SendAsync(HttpMethod.Get, "/v1/kv/lease/held", null, CancellationToken.None)).Status == HttpStatusCode.NotFound,
            "the lease to expire and delete its key");
        await watching.WaitAsync(ProcessCluster.Deadline);

        var seen = lines.ToArray();
        var revisions = seen.Select(l => l.GetProperty("revision").GetUInt64()).ToArray();
        Assert.Equal(revisions.Order(), revisions);
        Assert.Equal(revisions.Length, revisions.Distinct().Count());
        Assert.Equal("put", seen[^2].GetProperty("type").GetString());
        Assert.Equal("lease/held", seen[^2].GetProperty("kv").GetProperty("key").GetString());
        Assert.Equal("delete", seen[^1].GetProperty("type").GetString());
        Assert.Equal("lease/held", seen[^1].GetProperty("kv").GetProperty("key").GetString());
    }

    [Fact]
    public async Task The_cli_watch_resumes_on_another_node_when_its_node_is_killed_with_no_gap_and_no_repeat()
    {
        using var cluster = new ProcessCluster(3);
        await cluster.WaitForLeaderAsync();
        using var watchCancel = new CancellationTokenSource(ProcessCluster.Deadline);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<JsonElement>();

        // The CLI's client tries its endpoints in order, so node 0 serves the watch until it is killed. It starts from
        // the revision after the current one, read first, so that the puts below cannot race its subscription.
        var (_, current) = await cluster.Client.SendAsync(HttpMethod.Get, "/v1/kv?prefix=w/&limit=1", null, CancellationToken.None);
        var from = current.GetProperty("revision").GetUInt64() + 1;
        var watching = Task.Run(async () =>
        {
            await foreach (var line in cluster.Client.WatchAsync("w/", prefix: true, from, TextWriter.Null, watchCancel.Token))
            {
                lines.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
            }
        });

        for (var i = 0; i < 10; i++)
        {
            await PutAsync(cluster, $"w/{i}");
        }

        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(lines.Count >= 10), "the watch to see the first ten puts");
        cluster.Kill(0);
        for (var i = 10; i < 20; i++)
        {
            await PutAsync(cluster, $"w/{i}");
        }

        await ProcessCluster.WaitUntilAsync(
            () => Task.FromResult(Enumerable.Range(0, 20).All(i => lines.Any(l => l.GetProperty("kv").GetProperty("key").GetString() == $"w/{i}"))),
            "the resumed watch to see the ten puts after the kill");
        await watchCancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);

        // Only this test's puts change keys here: one revision each, so the revisions seen must be consecutive. A
        // put retried across the failover may appear twice, at two revisions, which is not a repeat of an event.
        var revisions = lines.Select(l => l.GetProperty("revision").GetUInt64()).ToArray();
        Assert.Equal(Enumerable.Range(0, revisions.Length).Select(i => revisions[0] + (ulong)i), revisions);
    }

    private static Task PutAsync(ProcessCluster cluster, string key) =>
        ProcessCluster.WaitUntilAsync(async () =>
        {
            try
            {
                return (await cluster.Client.SendAsync(HttpMethod.Put, $"/v1/kv/{key}", Encoding.UTF8.GetBytes("v"), CancellationToken.None)).Status == HttpStatusCode.OK;
            }
            catch (Cairn.Cli.CliException)
            {
                return false; // no endpoint could serve it yet (an election after the kill)
            }
        }, $"a put of {key}");

    [Fact]
    public async Task Bad_lease_requests_get_a_clear_error_naming_the_field()
    {
        using var cluster = new ProcessCluster(1);
        await cluster.WaitForLeaderAsync();
        var (status, body) = await cluster.Client.SendAsync(HttpMethod.Post, "/v1/lease/grant", [], CancellationToken.None);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("ttl", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        var (unknown, unknownBody) = await cluster.Client.SendAsync(HttpMethod.Post, "/v1/lease/424242/keepalive", [], CancellationToken.None);
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("lease", unknownBody.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
