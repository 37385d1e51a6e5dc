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
            await foreach (var line in cluster.Client.StreamAsync("/v1/watch?key=lease/&prefix=true", watchCancel.Token))
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
