using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft thesis §9.6, pre-vote: a node first asks whether it could win before raising its term, so a node cut off
/// from the group never raises its term and does not depose a working leader when it comes back.
/// </summary>
public sealed class PreVoteTests
{
    [Fact]
    public void A_partitioned_node_does_not_raise_its_term()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Isolate(3);

        cluster.TickAndStabilize(3, 100);

        Assert.Equal(N.T(2), cluster.Node(3).Term);
        Assert.Equal(RaftRole.PreCandidate, cluster.Node(3).Role);
        Assert.Contains(cluster.Sent, m => m.Type == MessageType.PreVote && m.From == N.Id(3) && m.Term == N.T(3));
        Assert.DoesNotContain(cluster.Sent, m => m.Type == MessageType.Vote && m.From == N.Id(3));
    }

    [Fact]
    public void A_partitioned_node_that_rejoins_does_not_disrupt_the_leader()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.TickAndStabilize(3, 100);

        cluster.Heal();
        cluster.TickAllAndStabilize(30);

        Assert.Equal((RaftRole.Leader, N.T(2)), (cluster.Node(1).Role, cluster.Node(1).Term));
        Assert.Equal((RaftRole.Follower, N.Id(1), N.T(2)), (cluster.Node(3).Role, cluster.Node(3).Leader, cluster.Node(3).Term));
    }

    [Fact]
    public void Without_pre_vote_a_rejoining_node_with_a_raised_term_deposes_the_leader()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false, CheckQuorum = false });
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.TickAndStabilize(3, 100);
        Assert.True(cluster.Node(3).Term > N.T(2));

        cluster.Heal();
        cluster.TickAllUntil(() => cluster.Node(1).Term > N.T(2), maxTicks: 100);
        cluster.TickAllUntil(() => cluster.Leader is not null, maxTicks: 200);

        Assert.True(cluster.Leader!.Node.Term > N.T(3));
    }

    [Fact]
    public void A_pre_candidate_that_wins_the_pre_vote_then_campaigns_in_the_next_term()
    {
        var cluster = TestCluster.Create(3);

        cluster.Campaign(1);

        Assert.Equal(N.T(2), cluster.Node(1).Term);
        Assert.Equal(RaftRole.Leader, cluster.Node(1).Role);
        var first = cluster.Sent.FindIndex(m => m.Type == MessageType.PreVote);
        var vote = cluster.Sent.FindIndex(m => m.Type == MessageType.Vote);
        Assert.InRange(first, 0, vote - 1);
    }
}
