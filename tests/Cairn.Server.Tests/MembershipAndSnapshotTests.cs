using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Cairn.Server.Tests;

/// <summary>
/// Real server processes: a follower far behind catches up through InstallSnapshot; members are added, promoted,
/// handed leadership and removed while clients keep writing, and no acknowledged write is lost.
/// </summary>
public sealed class MembershipAndSnapshotTests
{
    [Fact]
    public async Task A_follower_far_behind_catches_up_through_InstallSnapshot()
    {
        using var cluster = new ProcessCluster(3, "--snapshot-count", "50");
        var leader = await cluster.WaitForLeaderAsync();
        var behind = (leader + 1) % cluster.Size;
        await PutAsync(cluster, "snap/first");
        await ProcessCluster.WaitUntilAsync(async () => await StatusAsync(cluster, behind) is { } s && s.GetProperty("applied").GetUInt64() > 0, "the follower to apply");
        var appliedWhenKilled = (await StatusAsync(cluster, behind))!.Value.GetProperty("applied").GetUInt64();
        cluster.Kill(behind);

        const int writes = 300;
        for (var i = 0; i < writes; i++)
        {
            await PutAsync(cluster, $"snap/{i}");
        }

        cluster.Start(behind);
        await ProcessCluster.WaitUntilAsync(
            async () => await CountAsync(cluster, behind, "snap/") == writes + 1, "the restarted follower to hold every write");
        var restored = (await StatusAsync(cluster, behind))!.Value.GetProperty("snapshotRestoredIndex").GetUInt64();
        Assert.True(restored > appliedWhenKilled + writes / 2,
            $"the follower should have caught up from a leader snapshot (restored index {restored}, applied {appliedWhenKilled} when killed)");
    }

    [Fact]
    public async Task Members_are_added_promoted_given_leadership_and_removed_under_load_without_losing_a_write()
    {
        using var cluster = new ProcessCluster(3);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = (leader + 1) % cluster.Size;
        // A follower relays to the leader once the leader's client address has been published (just after it is elected).
        await ProcessCluster.WaitUntilAsync(
            async () => await SendJsonAsync(cluster, HttpMethod.Put, "/v1/kv/through-a-follower", new { }, follower) == HttpStatusCode.OK,
            "a write through a follower");

        var acknowledged = new ConcurrentBag<string>();
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stopWriting.IsCancellationRequested; i++)
            {
                try
                {
                    var (status, _) = await cluster.Client.SendAsync(HttpMethod.Put, $"/v1/kv/load/{i}", Encoding.UTF8.GetBytes($"v{i}"), CancellationToken.None);
                    if (status == HttpStatusCode.OK)
                    {
                        acknowledged.Add($"load/{i}");
                    }
                }
                catch (Cli.CliException)
                {
                    // Not acknowledged (a membership change or transfer was in progress).
                }
            }
        });
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(acknowledged.Count >= 20), "20 acknowledged writes");

        var joiner = cluster.Reserve("n4");
        var added = await SendJsonAsync(cluster, HttpMethod.Post, "/v1/members", new { name = "n4", peerUrl = cluster.PeerUrl(joiner).ToString(), learner = true });
        Assert.True(HttpStatusCode.OK == added, $"member add answered {added}");
        cluster.Start(joiner);
        await ProcessCluster.WaitUntilAsync(async () => await SendJsonAsync(cluster, HttpMethod.Post, "/v1/members/n4/promote", new { }) == HttpStatusCode.OK, "n4 to be promoted");
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            try
            {
                await SendJsonAsync(cluster, HttpMethod.Post, "/v1/leader/transfer?to=n4", new { });
            }
            catch (Cli.CliException)
            {
                // Mid-election: no node knows a leader for a moment.
            }

            return await StatusAsync(cluster, joiner) is { } s && s.GetProperty("role").GetString() == "leader";
        }, "n4 to lead");

        var removed = cluster.Name(leader);
        var removal = await SendJsonAsync(cluster, HttpMethod.Delete, $"/v1/members/{removed}", null, joiner);
        Assert.True(HttpStatusCode.OK == removal, $"member remove answered {removal}");
        var before = acknowledged.Count;
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(acknowledged.Count >= before + 20), "20 more writes after the changes");
        await stopWriting.CancelAsync();
        await writer;

        var members = await cluster.Client.TryGetFromAsync(cluster.Endpoint(joiner), "/v1/members", CancellationToken.None);
        var names = members!.Value.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).Order().ToArray();
        Assert.Equal<string[]>([.. Enumerable.Range(0, 4).Where(i => i != leader).Select(cluster.Name).Order()], names);
        foreach (var key in acknowledged)
        {
            var body = await cluster.Client.TryGetFromAsync(cluster.Endpoint(joiner), $"/v1/kv/{key}", CancellationToken.None);
            Assert.True(body is { } kv && kv.TryGetProperty("value", out _), $"acknowledged write {key} is missing");
        }
    }

    private static async Task PutAsync(ProcessCluster cluster, string key)
    {
        var (status, _) = await cluster.Client.SendAsync(HttpMethod.Put, $"/v1/kv/{key}", [1], CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static Task<JsonElement?> StatusAsync(ProcessCluster cluster, int index) =>
        cluster.Client.TryGetFromAsync(cluster.Endpoint(index), "/v1/status", CancellationToken.None);

    private static async Task<int> CountAsync(ProcessCluster cluster, int index, string prefix)
    {
        var body = await cluster.Client.TryGetFromAsync(cluster.Endpoint(index), $"/v1/kv?prefix={prefix}&consistency=stale", CancellationToken.None);
        return body is { } json && json.TryGetProperty("kvs", out var kvs) ? kvs.GetArrayLength() : -1;
    }

    /// <summary>Sends through the given node (any node relays to the leader), or through the cluster client.</summary>
    private static async Task<HttpStatusCode> SendJsonAsync(ProcessCluster cluster, HttpMethod method, string path, object? body, int? via = null)
    {
        var bytes = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body);
        if (via is not { } index)
        {
            return (await cluster.Client.SendAsync(method, path, bytes, CancellationToken.None, "application/json")).Status;
        }

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(cluster.Endpoint(index), path));
        if (bytes is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
