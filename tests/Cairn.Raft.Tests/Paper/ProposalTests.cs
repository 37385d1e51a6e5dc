using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Proposals (Raft §5.3, §8: clients talk to the leader): a follower refuses with NotLeader and names the leader it
/// knows; the leader refuses with Dropped once <see cref="RaftOptions.MaxUncommittedEntries"/> entries wait to commit.
/// </summary>
public sealed class ProposalTests
{
    [Fact]
    public void A_follower_refuses_a_proposal_with_NotLeader_and_names_the_leader()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        Assert.Equal(ProposeResult.NotLeader, cluster.Node(2).Propose(Logs.Command("x"), out var index));

        Assert.Equal(LogIndex.Zero, index);
        Assert.Equal(N.Id(1), cluster.Node(2).Leader);
    }

    [Fact]
    public void A_node_that_knows_no_leader_refuses_with_NotLeader_and_no_leader()
    {
        var cluster = TestCluster.Create(3);

        Assert.Equal(ProposeResult.NotLeader, cluster.Node(2).Propose(Logs.Command("x"), out _));
        Assert.Equal(NodeId.None, cluster.Node(2).Leader);
    }

    [Fact]
    public void The_leader_returns_the_index_at_which_the_proposal_is_applied()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        var index = cluster.Propose(1, "x");
        cluster.Stabilize();

        Assert.Equal(leader.LastIndex, index);
        var applied = cluster[2].AppliedEntries.Single(e => e.Index == index);
        Assert.Equal(leader.Term, applied.Term);
    }

    [Fact]
    public void Proposals_beyond_MaxUncommittedEntries_are_dropped_until_the_backlog_commits()
    {
        var cluster = TestCluster.Create(3, o => o with { MaxUncommittedEntries = 3 });
        var leader = cluster.Elect(1);
        cluster.Cut(1, 2);
        cluster.Cut(1, 3);

        for (var i = 0; i < 3; i++)
        {
            cluster.Propose(1, $"c{i}");
        }

        Assert.Equal(ProposeResult.Dropped, leader.Propose(Logs.Command("too many"), out var index));
        Assert.Equal(LogIndex.Zero, index);

        cluster.Heal();
        cluster.TickUntil(1, () => leader.Commit == leader.LastIndex, maxTicks: 30);

        Assert.Equal(ProposeResult.Accepted, leader.Propose(Logs.Command("again"), out _));
    }
}
