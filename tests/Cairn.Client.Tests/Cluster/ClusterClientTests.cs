using System.Collections.Concurrent;
using Cairn.Client.Cluster;
using Cairn.TestKit;
using Xunit.Abstractions;

namespace Cairn.Client.Tests.Cluster;

/// <summary>The cluster client against a real in-process 3-node cluster: keys, transactions, leases, errors, exactly-once.</summary>
public sealed class ClusterClientTests(SharedClusterFixture fixture, ITestOutputHelper output) : IClassFixture<SharedClusterFixture>
{
    private InProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Put_get_range_and_delete_round_trip_with_revisions_and_versions()
    {
        await using var client = Cluster.Client();
        var first = await client.PutAsync("kv/a", "1"u8.ToArray());
        var second = await client.PutAsync("kv/a", "2");
        await client.PutAsync("kv/b", "b");
        await client.PutAsync("kv/c", "c");
        await Assert.ThrowsAsync<ArgumentException>(() => client.PutAsync("kv/./dots", "x"));

        var a = await client.GetAsync("kv/a");
        Assert.NotNull(a);
        Assert.Equal("2", a.ValueText);
        Assert.Equal((first, second, 2L), (a.CreateRevision, a.ModRevision, a.Version));
        Assert.Equal("c", (await client.GetAsync("kv/c", ReadConsistency.Stale) ?? await client.GetAsync("kv/c"))?.ValueText);
        Assert.Null(await client.GetAsync("kv/missing"));

        var all = await client.RangeAsync("kv/");
        Assert.Equal(["kv/a", "kv/b", "kv/c"], all.Kvs.Select(kv => kv.Key));
        Assert.False(all.More);
        Assert.True(all.Revision >= second);
        var limited = await client.RangeAsync("kv/", limit: 2);
        Assert.Equal(2, limited.Kvs.Count);
        Assert.True(limited.More);

        var deleted = await client.DeleteAsync("kv/b");
        Assert.Equal(1, deleted.Deleted);
        Assert.Equal(0, (await client.DeleteAsync("kv/b")).Deleted);
        Assert.Null(await client.GetAsync("kv/b"));
    }

    [Fact]
    public async Task A_transaction_swaps_only_when_the_compare_holds()
    {
        await using var client = Cluster.Client();
        await client.PutAsync("cas/k", "v1");
        var seen = (await client.GetAsync("cas/k"))!;
        CairnTxn Swap() => new CairnTxn()
            .If(TxnCondition.ModRevisionIs("cas/k", CompareOperator.Equal, seen.ModRevision))
            .Then(TxnOperation.Put("cas/k", "v2"), TxnOperation.Get("cas/k"))
            .Else(TxnOperation.Get("cas/k"));

        var won = await client.TxnAsync(Swap());
        Assert.True(won.Succeeded);
        Assert.Equal([TxnOperationKind.Put, TxnOperationKind.Get], won.Results.Select(r => r.Kind));
        Assert.Equal("v2", won.Results[1].Kvs.Single().ValueText);

        var lost = await client.TxnAsync(Swap());
        Assert.False(lost.Succeeded);
        Assert.Equal("v2", lost.Results.Single().Kvs.Single().ValueText);
        Assert.Equal(CairnErrorCode.CompareFailed, Assert.Throws<CairnException>(() => lost.EnsureSucceeded()).ErrorCode);

        var created = await client.TxnAsync(new CairnTxn().If(TxnCondition.Missing("cas/new")).Then(TxnOperation.Put("cas/new", "x")));
        Assert.True(created.Succeeded);
        var again = await client.TxnAsync(new CairnTxn().If(TxnCondition.Missing("cas/new"), TxnCondition.VersionIs("cas/new", CompareOperator.Equal, 0))
            .Then(TxnOperation.Put("cas/new", "y")).Else(TxnOperation.Delete("cas/", prefix: true)));
        Assert.False(again.Succeeded);
        Assert.Equal(2, again.Results.Single().Deleted);
    }

    [Fact]
    public async Task Revoking_a_lease_deletes_its_keys_and_a_keeper_keeps_one_alive_past_its_ttl()
    {
        await using var client = Cluster.Client();
        var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), lease.Ttl);
        await client.PutAsync("lease/a", "a", lease.Id);
        await client.PutAsync("lease/b", "b", lease.Id);
        var ttl = await client.GetLeaseTimeToLiveAsync(lease.Id);
        Assert.Equal(["lease/a", "lease/b"], ttl.Keys.Order());
        // The TTL runs from the leader's clock at the grant, and committed time trails that clock by up to a sweep
        // interval (more after a promotion's grace), so the remaining time may read a little over the TTL
        // (docs/state-machine.md, "Time, leases and the failover guarantee").
        Assert.InRange(ttl.RemainingTtl, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(32));
        Assert.Equal(TimeSpan.FromSeconds(30), await client.KeepAliveLeaseAsync(lease.Id));

        var revoked = await client.RevokeLeaseAsync(lease.Id);
        Assert.Equal(2, revoked.DeletedKeys);
        Assert.Null(await client.GetAsync("lease/a"));
        Assert.Null(await client.GetAsync("lease/b"));
        Assert.Equal(CairnErrorCode.LeaseNotFound, (await Assert.ThrowsAsync<CairnException>(() => client.KeepAliveLeaseAsync(lease.Id))).ErrorCode);

        var short1 = await client.GrantLeaseAsync(TimeSpan.FromSeconds(2));
        await client.PutAsync("lease/kept", "k", short1.Id);
        await using (var keeper = client.StartLeaseKeeper(short1.Id, short1.Ttl))
        {
            // Five renewals, a third of a TTL apart, span more than the whole TTL.
            await Poll.UntilAsync(
                () => keeper.Renewals >= 5 || keeper.Completion.IsCompleted, "five renewals", InProcessCluster.Deadline, TimeSpan.FromMilliseconds(50));
            Assert.True(keeper.Renewals >= 5, $"the keeper stopped after {keeper.Renewals} renewals: {keeper.Completion.Exception?.InnerException?.Message}");
            Assert.False(keeper.Lost.IsCancellationRequested);
            Assert.NotNull(await client.GetAsync("lease/kept"));
        }

        await client.RevokeLeaseAsync(short1.Id);
    }

    [Fact]
    public async Task Bad_input_gets_typed_errors_naming_the_field()
    {
        await using var client = Cluster.Client();
        var longKey = await Assert.ThrowsAsync<CairnException>(() => client.PutAsync(new string('k', 2000), "v"));
        Assert.Equal((CairnErrorCode.TooLarge, "key"), (longKey.ErrorCode, longKey.Field));

        var bigValue = await Assert.ThrowsAsync<CairnException>(() => client.PutAsync("errors/big", new byte[(1 << 20) + 1]));
        Assert.Equal((CairnErrorCode.TooLarge, "value"), (bigValue.ErrorCode, bigValue.Field));

        var noLease = await Assert.ThrowsAsync<CairnException>(() => client.PutAsync("errors/leased", "v", leaseId: 424_242));
        Assert.Equal((CairnErrorCode.LeaseNotFound, "leaseId"), (noLease.ErrorCode, noLease.Field));

        var twice = await Assert.ThrowsAsync<CairnException>(() => client.TxnAsync(new CairnTxn().Then(TxnOperation.Put("errors/t", "1"), TxnOperation.Put("errors/t", "2"))));
        Assert.Equal((CairnErrorCode.InvalidArgument, "success[1].key"), (twice.ErrorCode, twice.Field));

        var unknownLease = await Assert.ThrowsAsync<CairnException>(() => client.RevokeLeaseAsync(424_242));
        Assert.Equal(CairnErrorCode.LeaseNotFound, unknownLease.ErrorCode);

        var longWatch = await Assert.ThrowsAsync<CairnException>(async () =>
        {
            await foreach (var unused in client.WatchAsync(new string('w', 2000), fromRevision: 1))
            {
            }
        });
        Assert.Equal((CairnErrorCode.TooLarge, "key"), (longWatch.ErrorCode, longWatch.Field));

        // The cluster keeps serving.
        await client.PutAsync("errors/fine", "ok");
        Assert.Equal("ok", (await client.GetAsync("errors/fine"))!.ValueText);
    }

    [Fact]
    public async Task A_write_whose_answer_was_lost_is_retried_and_applied_once()
    {
        using var losing = new LosingFirstResponseHandler(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("/once/k", StringComparison.Ordinal));
        await using var client = Cluster.Client(o => o.HttpMessageHandler = losing);

        var revision = await client.PutAsync("once/k", "v");

        var kv = await client.GetAsync("once/k");
        Assert.NotNull(kv);
        Assert.Equal(1, kv.Version);
        Assert.Equal(revision, kv.ModRevision);
        // The first answer was lost after the server applied the write; every later attempt (more than one when a node
        // answers "unavailable" meanwhile) carries the same session and sequence number.
        var attempts = losing.Matched.ToArray();
        var transcript = string.Join("; ", attempts.Select(a => $"{a.Session}/{a.Sequence}: {a.Outcome}"));
        output.WriteLine(transcript);
        Assert.True(attempts.Length >= 2, transcript);
        Assert.StartsWith("lost: 200", attempts[0].Outcome, StringComparison.Ordinal);
        Assert.NotNull(attempts[0].Session);
        Assert.All(attempts, a => Assert.Equal((attempts[0].Session, attempts[0].Sequence), (a.Session, a.Sequence)));
    }

    [Fact]
    public async Task Concurrent_writes_each_apply_once_over_a_bounded_session_pool()
    {
        await using var client = Cluster.Client(o => o.MaxConcurrentWrites = 4);
        var revisions = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => client.PutAsync($"pool/{i}", "v")));
        Assert.Equal(32, revisions.Distinct().Count());
        var all = await client.RangeAsync("pool/");
        Assert.Equal(32, all.Kvs.Count);
        Assert.All(all.Kvs, kv => Assert.Equal(1, kv.Version));
    }

    [Fact]
    public async Task A_watch_from_now_on_sees_each_later_change_once_in_order_and_a_compacted_start_is_a_typed_error()
    {
        await using var client = Cluster.Client();
        using var stop = new CancellationTokenSource(InProcessCluster.Deadline);
        var seen = new ConcurrentQueue<WatchEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in client.WatchAsync("now/", prefix: true, cancellationToken: stop.Token))
            {
                seen.Enqueue(change);
                if (change.Type == WatchEventType.Delete)
                {
                    return;
                }
            }
        });

        // The watch may not be subscribed yet: write until it has seen a put, then a known sequence.
        await Poll.UntilAsync(async () =>
        {
            if (seen.IsEmpty)
            {
                await client.PutAsync("now/probe", "p");
            }

            return !seen.IsEmpty;
        }, "the watch to see a put", InProcessCluster.Deadline);
        var puts = new[] { await client.PutAsync("now/a", "1"), await client.PutAsync("now/b", "2") };
        var delete = (await client.DeleteAsync("now/a")).Revision;
        await watching.WaitAsync(InProcessCluster.Deadline);

        var events = seen.ToArray();
        Assert.Equal(events.Select(e => e.Revision).Order(), events.Select(e => e.Revision));
        Assert.Equal(events.Length, events.Select(e => e.Revision).Distinct().Count());
        Assert.Equal([puts[0], puts[1], delete], events[^3..].Select(e => e.Revision));
        Assert.Equal([("now/a", WatchEventType.Put), ("now/b", WatchEventType.Put), ("now/a", WatchEventType.Delete)], events[^3..].Select(e => (e.Kv.Key, e.Type)));

        // A follower may not have applied the compaction yet when the leader answers: ask the leader.
        await client.CompactAsync(delete);
        await using var leaderOnly = Cluster.Client(endpoints: [Cluster.Endpoints[await Cluster.WaitForLeaderAsync()]]);
        using var stopCompacted = new CancellationTokenSource(InProcessCluster.Deadline);
        var compacted = await Assert.ThrowsAsync<CairnException>(async () =>
        {
            await foreach (var unused in leaderOnly.WatchAsync("now/", prefix: true, fromRevision: 1, stopCompacted.Token))
            {
            }
        });
        Assert.Equal(CairnErrorCode.RevisionCompacted, compacted.ErrorCode);
    }
}
