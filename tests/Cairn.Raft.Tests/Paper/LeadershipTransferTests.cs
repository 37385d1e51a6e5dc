using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft thesis §3.10, leadership transfer: the leader stops accepting new work, brings the target's log up to date,
/// then sends it TimeoutNow so it campaigns at once (past the followers' leases); a transfer that has not finished
/// within an election timeout is abandoned.
/// </summary>
public sealed class LeadershipTransferTests
{
    [Fact]
    public void The_target_is_brought_up_to_date_before_it_is_told_to_campaign()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var index = cluster.Propose(1, "x");
        cluster.HandleReadies(1);

        Assert.Equal(ProposeResult.Accepted, cluster.Node(1).TransferLeadership(N.Id(3)));
        cluster.HandleReadies(1);
        Assert.DoesNotContain(cluster.Sent, m => m.Type == MessageType.TimeoutNow);

        cluster.Stabilize();

        var timeoutNow = cluster.Sent.FindIndex(m => m.Type == MessageType.TimeoutNow && m.To == N.Id(3));
        var caughtUp = cluster.Sent.FindIndex(m => m.Type == MessageType.AppendResponse && m.From == N.Id(3) && m.Index == index);
        Assert.InRange(caughtUp, 0, timeoutNow - 1);
        Assert.Equal(RaftRole.Leader, cluster.Node(3).Role);
        Assert.Equal(N.T(3), cluster.Node(3).Term);
        Assert.Equal((RaftRole.Follower, N.Id(3)), (cluster.Node(1).Role, cluster.Node(1).Leader));
        Assert.Equal(["x"], cluster[3].Commands);
    }

    [Fact]
    public void An_up_to_date_target_is_told_to_campaign_at_once()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        Assert.Equal(ProposeResult.Accepted, cluster.Node(1).TransferLeadership(N.Id(2)));
        cluster.HandleReadies(1);

        Assert.Contains(cluster.InFlight, m => m.Type == MessageType.TimeoutNow && m.To == N.Id(2));
    }

    [Fact]
    public void New_work_is_refused_with_TransferInProgress_while_a_transfer_is_under_way()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Isolate(3);
        var leader = cluster.Node(1);

        Assert.Equal(ProposeResult.Accepted, leader.TransferLeadership(N.Id(3)));

        Assert.Equal(ProposeResult.TransferInProgress, leader.Propose(Logs.Command("x"), out _));
        Assert.Equal(ProposeResult.TransferInProgress, leader.ReadIndex(1));
        Assert.Equal(
            ProposeResult.TransferInProgress,
            leader.ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, N.Id(4), ReadOnlyMemory<byte>.Empty), out _));
    }

    [Fact]
    public void A_transfer_that_does_not_finish_within_an_election_timeout_is_abandoned()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Isolate(3);
        leader.TransferLeadership(N.Id(3));

        cluster.TickAndStabilize(1, 9);
        Assert.Equal(N.Id(3), leader.TransferTarget);
        cluster.TickAndStabilize(1);

        Assert.Equal(NodeId.None, leader.TransferTarget);
        Assert.Equal(RaftRole.Leader, leader.Role);
        Assert.Equal(ProposeResult.Accepted, leader.Propose(Logs.Command("x"), out _));
    }

    [Fact]
    public void A_transfer_to_itself_or_to_a_non_voter_is_refused_and_a_follower_cannot_transfer()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        Assert.Equal(ProposeResult.InvalidTransferTarget, leader.TransferLeadership(N.Id(1)));
        Assert.Equal(ProposeResult.InvalidTransferTarget, leader.TransferLeadership(N.Id(9)));
        Assert.Equal(ProposeResult.NotLeader, cluster.Node(2).TransferLeadership(N.Id(3)));
        Assert.Equal(NodeId.None, leader.TransferTarget);
    }
}
