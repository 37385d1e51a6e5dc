using System.Diagnostics;
using System.Net;
using System.Text;
using Cairn.Cli;
using Cairn.Simulation.Linearizability;

namespace Cairn.Server.Tests;

/// <summary>
/// Concurrent clients read and write a few keys while the leader is killed with SIGKILL; the recorded history must be
/// linearizable (checked with the simulator's checker). A write that got no answer is recorded as pending: it may or
/// may not have taken effect.
/// </summary>
public sealed class LinearizableFailoverTests
{
    private static readonly string[] _keys = ["x", "y", "z"];

    [Fact]
    public async Task The_history_of_concurrent_clients_across_a_leader_kill_is_linearizable()
    {
        using var cluster = new ProcessCluster(3, "--heartbeat-interval", "40");
        var leader = await cluster.WaitForLeaderAsync();
        var clock = Stopwatch.StartNew();
        var history = new List<KvOperation>();
        var nextId = 0;
        using var stop = new CancellationTokenSource();

        async Task ClientAsync(int clientId)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var key = _keys[(clientId + n) % _keys.Length];
                var write = n % 2 == 0;
                var value = $"c{clientId}-{n}";
                var invoked = clock.ElapsedTicks;
                KvResult? result = null;
                try
                {
                    var (status, body) = write
                        ? await cluster.Client.SendAsync(HttpMethod.Put, $"/v1/kv/{key}", Encoding.UTF8.GetBytes(value), CancellationToken.None)
                        : await cluster.Client.SendAsync(HttpMethod.Get, $"/v1/kv/{key}", null, CancellationToken.None);
                    result = status switch
                    {
                        HttpStatusCode.OK when write => new KvResult(true, null),
                        HttpStatusCode.OK => new KvResult(true, Encoding.UTF8.GetString(Convert.FromBase64String(body.GetProperty("value").GetString()!))),
                        HttpStatusCode.NotFound when !write => new KvResult(true, null),
                        _ => null,
                    };
                }
                catch (CliException)
                {
                    // No answer: the operation stays pending.
                }

                lock (history)
                {
                    history.Add(new KvOperation(nextId++, clientId, write ? KvOperationKind.Put : KvOperationKind.Get, key,
                        write ? value : null, null, invoked, result is null ? null : clock.ElapsedTicks, result));
                }
            }
        }

        var clients = Enumerable.Range(1, 3).Select(c => Task.Run(() => ClientAsync(c))).ToArray();
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(Count(history) >= 60), "60 operations before the kill");
        cluster.Kill(leader);
        await cluster.WaitForLeaderAsync(except: leader);
        var afterKill = Count(history);
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(Count(history) >= afterKill + 60), "60 operations after the failover");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.True(history.Count(o => o.Kind == KvOperationKind.Get && o.Result?.Value is not null) > 10, "reads saw written values");
        Assert.True(history.Count(o => o.Kind == KvOperationKind.Put && !o.IsPending) > 30, "writes were acknowledged");
        var check = LinearizabilityChecker.Check(history);
        Assert.True(check.Verdict == Verdict.Linearizable, $"{check.Verdict}: {check.Explanation}");
    }

    private static int Count(List<KvOperation> history)
    {
        lock (history)
        {
            return history.Count;
        }
    }
}
