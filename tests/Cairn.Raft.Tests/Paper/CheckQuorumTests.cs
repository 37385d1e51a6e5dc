using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft thesis §6.2: with check-quorum on, a leader that has not heard from a quorum during an election timeout
/// steps down, so a partitioned leader stops serving; a leader that hears from a quorum keeps leading.
/// </summary>
public sealed class CheckQuorumTests
{
    private const int ElectionTimeoutTicks = 10;

    [Fact]
    public void An_isolated_leader_steps_down_within_two_election_timeouts_but_not_before_one()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Isolate(1);

        cluster.TickAndStabilize(1, ElectionTimeoutTicks - 1);
        Assert.Equal(RaftRole.Leader, leader.Role);
        cluster.TickAndStabilize(1, ElectionTimeoutTicks + 1);

        Assert.Equal(RaftRole.Follower, leader.Role);
        Assert.Equal(N.T(2), leader.Term);
        Assert.Equal(ProposeResult.NotLeader, leader.Propose(Logs.Command("x"), out _));
    }

    [Fact]
    public void A_leader_that_hears_from_a_quorum_keeps_leading()
    {
        var cluster = TestCluster.Create(5);
        var leader = cluster.Elect(1);
        cluster.Isolate(4);
        cluster.Isolate(5);

        cluster.TickAndStabilize(1, 10 * ElectionTimeoutTicks);

        Assert.Equal((RaftRole.Leader, N.T(2)), (leader.Role, leader.Term));
    }

    [Fact]
    public void A_leader_that_hears_from_only_a_minority_steps_down()
    {
        var cluster = TestCluster.Create(5);
        var leader = cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Isolate(4);
        cluster.Isolate(5);

        cluster.TickAndStabilize(1, 2 * ElectionTimeoutTicks);

        Assert.Equal(RaftRole.Follower, leader.Role);
    }

    [Fact]
    public void Without_check_quorum_an_isolated_leader_keeps_believing_it_leads()
    {
        var cluster = TestCluster.Create(3, o => o with { CheckQuorum = false });
        var leader = cluster.Elect(1);
        cluster.Isolate(1);

        cluster.TickAndStabilize(1, 10 * ElectionTimeoutTicks);

        Assert.Equal(RaftRole.Leader, leader.Role);
    }
}
