using Cairn.Raft;

namespace Cairn.Node.Tests;

/// <summary>The runtime on real event loops and clocks: elections, proposals, redirects, reads, failover and catch-up.</summary>
public sealed class NodeHostTests
{
    [Fact]
    public async Task A_proposal_on_the_leader_returns_the_state_machine_result_and_reaches_every_node()
    {
        await using var cluster = new InProcessCluster(3);
        var leader = await cluster.WaitForLeaderAsync();
        for (var i = 1; i <= 20; i++)
        {
            var outcome = await cluster.Host(leader).ProposeAsync(CounterMachine.Add(i), CancellationToken.None);
            Assert.Equal(ProposalStatus.Applied, outcome.Status);
            Assert.Equal((long)i * (i + 1) / 2, outcome.Result);
        }

        await InProcessCluster.WaitUntilAsync(
            () => AllTotalsAsync(cluster, 210), "every node to apply every command");
    }

    [Fact]
    public async Task A_follower_forwards_proposals_to_the_leader_and_refuses_those_only_a_leader_may_make()
    {
        await using var cluster = new InProcessCluster(3);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Ids.First(id => id != leader);
        await InProcessCluster.WaitUntilAsync(
            async () => (await cluster.Host(follower).GetStatusAsync(CancellationToken.None)).Leader == leader, "the follower to learn the leader");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            cluster.Host(i % 2 == 0 ? follower : leader).ProposeAsync(CounterMachine.Add(1), CancellationToken.None)));
        Assert.All(outcomes, o => Assert.Equal(ProposalStatus.Applied, o.Status));
        Assert.Equal(200, outcomes.Select(o => (long)o.Result!).Distinct().Count());

        var leaderOnly = await cluster.Host(follower).ProposeAsLeaderAsync(_ => CounterMachine.Add(1), CancellationToken.None);
        Assert.Equal(ProposalStatus.NotLeader, leaderOnly.Status);
        Assert.Equal(leader, leaderOnly.Leader);
        await InProcessCluster.WaitUntilAsync(() => AllTotalsAsync(cluster, 200), "every node to apply the 200 commands");
    }

    [Fact]
    public async Task Concurrent_proposals_are_all_applied_once()
    {
        await using var cluster = new InProcessCluster(3);
        var leader = await cluster.WaitForLeaderAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => cluster.Host(leader).ProposeAsync(CounterMachine.Add(1), CancellationToken.None)));
        Assert.All(outcomes, o => Assert.Equal(ProposalStatus.Applied, o.Status));
        Assert.Equal(500, outcomes.Select(o => (long)o.Result!).Distinct().Count());
        await InProcessCluster.WaitUntilAsync(() => AllTotalsAsync(cluster, 500), "every node to apply 500 commands");
    }

    [Fact]
    public async Task Read_index_succeeds_on_the_leader_and_on_a_follower_that_has_applied_the_leaders_commit()
    {
        await using var cluster = new InProcessCluster(3);
        var leader = await cluster.WaitForLeaderAsync();
        await cluster.Host(leader).ProposeAsync(CounterMachine.Add(7), CancellationToken.None);
        var read = await cluster.Host(leader).ReadIndexAsync(CancellationToken.None);
        Assert.Equal(ProposalStatus.Applied, read.Status);
        Assert.Equal(7, await cluster.Host(leader).Query(_ => cluster.Machine(leader).Total, CancellationToken.None));

        // A follower asks the leader for the read index and answers only once it has applied that far: the write
        // acknowledged above is visible there, whatever its own apply had reached when the read began.
        foreach (var follower in cluster.Ids.Where(id => id != leader))
        {
            await InProcessCluster.WaitUntilAsync(
                async () => (await cluster.Host(follower).GetStatusAsync(CancellationToken.None)).Leader == leader, "the follower to learn the leader");
            await cluster.Host(leader).ProposeAsync(CounterMachine.Add(1), CancellationToken.None);
            var expected = await cluster.Host(leader).Query(_ => cluster.Machine(leader).Total, CancellationToken.None);
            var followerRead = await cluster.Host(follower).ReadIndexAsync(CancellationToken.None);
            Assert.Equal(ProposalStatus.Applied, followerRead.Status);
            Assert.True(await cluster.Host(follower).Query(_ => cluster.Machine(follower).Total, CancellationToken.None) >= expected);
        }
    }

    [Fact]
    public async Task When_the_leader_stops_another_is_elected_and_committed_writes_survive()
    {
        await using var cluster = new InProcessCluster(3);
        var leader = await cluster.WaitForLeaderAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ProposalStatus.Applied, (await cluster.Host(leader).ProposeAsync(CounterMachine.Add(1), CancellationToken.None)).Status);
        }

        await cluster.StopAsync(leader);
        var next = await cluster.WaitForLeaderAsync(except: leader);
        Assert.Equal(11L, (await cluster.Host(next).ProposeAsync(CounterMachine.Add(1), CancellationToken.None)).Result);

        // The old leader comes back from its disk and catches up.
        cluster.Start(leader);
        await InProcessCluster.WaitUntilAsync(async () => await TotalAsync(cluster, leader) == 11, "the restarted node to catch up");
    }

    [Fact]
    public async Task A_node_far_behind_catches_up_through_a_snapshot()
    {
        await using var cluster = new InProcessCluster(3, snapshotEveryEntries: 50);
        var leader = await cluster.WaitForLeaderAsync();
        var lagging = cluster.Ids.First(id => id != leader);
        await cluster.StopAsync(lagging);
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(ProposalStatus.Applied, (await cluster.Host(leader).ProposeAsync(CounterMachine.Add(1), CancellationToken.None)).Status);
        }

        cluster.Start(lagging);
        await InProcessCluster.WaitUntilAsync(async () => await TotalAsync(cluster, lagging) == 300, "the lagging node to install a snapshot and catch up");
        var status = await cluster.Host(lagging).GetStatusAsync(CancellationToken.None);
        Assert.True(status.Applied.Value >= 300, $"applied {status.Applied}");
    }

    [Fact]
    public async Task Stopping_fails_waiting_requests_instead_of_hanging_them()
    {
        var cluster = new InProcessCluster(3);
        var leader = await cluster.WaitForLeaderAsync();
        foreach (var id in cluster.Ids.Where(id => id != leader).ToList())
        {
            await cluster.StopAsync(id);
        }

        // No quorum: the proposal cannot commit, and stopping the node must end the wait.
        var pending = cluster.Host(leader).ProposeAsync(CounterMachine.Add(1), CancellationToken.None);
        await cluster.DisposeAsync();
        var outcome = await pending.WaitAsync(InProcessCluster.Deadline);
        Assert.Equal(ProposalStatus.Stopped, outcome.Status);
    }

    private static async Task<long> TotalAsync(InProcessCluster cluster, NodeId id) =>
        cluster.IsRunning(id) ? await cluster.Host(id).Query(_ => cluster.Machine(id).Total, CancellationToken.None) : -1;

    private static async Task<bool> AllTotalsAsync(InProcessCluster cluster, long expected)
    {
        foreach (var id in cluster.Ids)
        {
            if (await TotalAsync(cluster, id) != expected)
            {
                return false;
            }
        }

        return true;
    }
}
