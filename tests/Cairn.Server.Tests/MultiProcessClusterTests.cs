using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Cairn.Server.Tests;

/// <summary>Three real server processes: writes through any node, SIGKILL of the leader under load, full restarts, bad input.</summary>
public sealed class MultiProcessClusterTests
{
    [Fact]
    public async Task Killing_the_leader_under_writes_loses_no_acknowledged_write_and_the_node_catches_up_after_restart()
    {
        using var cluster = new ProcessCluster(3);
        var leader = await cluster.WaitForLeaderAsync();
        var acknowledged = new ConcurrentBag<string>();
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stopWriting.IsCancellationRequested; i++)
            {
                try
                {
                    var (status, _) = await cluster.Client.SendAsync(HttpMethod.Put, $"/v1/kv/k{i}", Encoding.UTF8.GetBytes($"v{i}"), CancellationToken.None);
                    if (status == HttpStatusCode.OK)
                    {
                        acknowledged.Add($"k{i}");
                    }
                }
                catch (Cli.CliException)
                {
                    // No node could serve this write right now (the failover): it was not acknowledged.
                }
            }
        });

        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(acknowledged.Count >= 30), "30 acknowledged writes");
        cluster.Kill(leader);
        var next = await cluster.WaitForLeaderAsync(except: leader);
        var beforeFailover = acknowledged.Count;
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(acknowledged.Count >= beforeFailover + 30), "30 more writes after the failover");
        await stopWriting.CancelAsync();
        await writer;

        cluster.Start(leader);
        var all = acknowledged.ToArray();
        await ProcessCluster.WaitUntilAsync(async () => await CountStaleAsync(cluster, leader) >= all.Length, "the restarted node to catch up");
        foreach (var key in all)
        {
            var (status, body) = await cluster.Client.SendAsync(HttpMethod.Get, $"/v1/kv/{key}", null, CancellationToken.None);
            Assert.True(status == HttpStatusCode.OK, $"acknowledged write {key} is missing after the failover (new leader n{next + 1})");
            Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("v" + key[1..])), body.GetProperty("value").GetString());
        }
    }

    [Fact]
    public async Task Writes_through_any_node_survive_a_restart_of_every_node()
    {
        using var cluster = new ProcessCluster(3);
        await cluster.WaitForLeaderAsync();
        for (var i = 0; i < 20; i++)
        {
            var (status, _) = await cluster.Client.SendAsync(HttpMethod.Put, $"/v1/kv/durable/{i}", Encoding.UTF8.GetBytes("x"), CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, status);
        }

        for (var i = 0; i < cluster.Size; i++)
        {
            cluster.Kill(i);
        }

        for (var i = 0; i < cluster.Size; i++)
        {
            cluster.Start(i);
        }

        await cluster.WaitForLeaderAsync();
        var (listed, body) = await cluster.Client.SendAsync(HttpMethod.Get, "/v1/kv?prefix=durable/", null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(20, body.GetProperty("kvs").GetArrayLength());
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_the_cluster_keeps_serving()
    {
        using var cluster = new ProcessCluster(3);
        await cluster.WaitForLeaderAsync();

        var (tooLarge, tooLargeBody) = await cluster.Client.SendAsync(HttpMethod.Put, "/v1/kv/big", new byte[(1 << 20) + 1], CancellationToken.None);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
        Assert.Contains("value", tooLargeBody.GetProperty("error").GetString(), StringComparison.Ordinal);

        var (longKey, longKeyBody) = await cluster.Client.SendAsync(HttpMethod.Put, "/v1/kv/" + new string('k', 2000), [1], CancellationToken.None);
        Assert.Equal(HttpStatusCode.BadRequest, longKey);
        Assert.Contains("key", longKeyBody.GetProperty("error").GetString(), StringComparison.Ordinal);

        var (badConsistency, _) = await cluster.Client.SendAsync(HttpMethod.Get, "/v1/kv/x?consistency=eventually", null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.BadRequest, badConsistency);

        var (missing, missingBody) = await cluster.Client.SendAsync(HttpMethod.Get, "/v1/kv/nothing-here", null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("not_found", missingBody.GetProperty("code").GetString());

        var (ok, _) = await cluster.Client.SendAsync(HttpMethod.Put, "/v1/kv/still-serving", [1], CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    private static async Task<int> CountStaleAsync(ProcessCluster cluster, int index)
    {
        var body = await cluster.Client.TryGetFromAsync(cluster.Endpoint(index), "/v1/kv?prefix=k&consistency=stale", CancellationToken.None);
        return body is { } json && json.TryGetProperty("kvs", out var kvs) ? kvs.GetArrayLength() : -1;
    }
}
