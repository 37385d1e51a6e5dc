using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft thesis §4.1 and §4.2.2, membership changes: single-server changes, one at a time, each taking effect when
/// applied, and only once the leader has committed an entry of its own term (the fix Ongaro posted to raft-dev in
/// 2015); learners receive the log without counting and are promoted once caught up; a removed leader keeps
/// leading only to hand over, and a removed node refuses work.
/// </summary>
public sealed class MembershipChangeTests
{
    [Fact]
    public void Only_one_membership_change_may_be_pending_at_a_time()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.AddMember(4);
        cluster.AddMember(5);

        Assert.Equal(ProposeResult.Accepted, leader.ProposeMembershipChange(Change(MembershipChangeKind.AddLearner, 4), out _));
        Assert.Equal(ProposeResult.MembershipChangePending, leader.ProposeMembershipChange(Change(MembershipChangeKind.AddLearner, 5), out _));

        cluster.Stabilize();

        Assert.Equal(ProposeResult.Accepted, leader.ProposeMembershipChange(Change(MembershipChangeKind.AddLearner, 5), out _));
        cluster.Stabilize();
        Assert.Equal([N.Id(4), N.Id(5)], cluster.Node(2).Membership.Learners);
    }

    [Fact]
    public void A_new_leader_refuses_membership_changes_until_it_has_committed_an_entry_in_its_term()
    {
        var cluster = TestCluster.Create(3);
        cluster.DropIf = m => m.Type == MessageType.AppendResponse;
        var leader = cluster.Elect(1);

        Assert.Equal(ProposeResult.MembershipChangePending, leader.ProposeMembershipChange(Change(MembershipChangeKind.RemoveNode, 3), out _));

        cluster.DropIf = null;
        cluster.TickAndStabilize(1);

        Assert.Equal(ProposeResult.Accepted, leader.ProposeMembershipChange(Change(MembershipChangeKind.RemoveNode, 3), out _));
    }

    [Fact]
    public void A_change_takes_effect_on_each_node_when_it_applies_the_entry()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.AddMember(4);
        leader.ProposeMembershipChange(Change(MembershipChangeKind.AddVoter, 4), out var index);

        cluster.HandleReadies(1);
        Assert.False(leader.Membership.Contains(N.Id(4)));
        cluster.Stabilize();

        Assert.All(cluster.Members, m => Assert.Equal([N.Id(1), N.Id(2), N.Id(3), N.Id(4)], m.Node.Membership.Voters));
        Assert.All(cluster.Members, m => Assert.True(m.Node.Applied >= index));
    }

    [Fact]
    public void A_learner_receives_the_log_catches_up_and_is_promoted_automatically()
    {
        var cluster = TestCluster.Create(3, o => o with { AutoPromoteLearners = true });
        var leader = cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster.Stabilize();
        cluster.AddMember(4);

        Assert.Equal(ProposeResult.Accepted, leader.ProposeMembershipChange(Change(MembershipChangeKind.AddLearner, 4), out _));
        cluster.Stabilize();
        Assert.True(cluster.Node(4).Membership.IsLearner(N.Id(4)));
        Assert.Equal(["a", "b"], cluster[4].Commands);

        cluster.TickAndStabilize(1);

        Assert.All(cluster.Members, m => Assert.True(m.Node.Membership.IsVoter(N.Id(4))));
        Assert.Empty(cluster.Node(1).Membership.Learners);
    }

    [Fact]
    public void A_learner_neither_campaigns_nor_counts_towards_the_quorum()
    {
        var cluster = TestCluster.Create(1);
        var leader = cluster.Elect(1);
        cluster.AddMember(2);
        leader.ProposeMembershipChange(Change(MembershipChangeKind.AddLearner, 2), out _);
        cluster.Stabilize();

        cluster.Isolate(2);
        cluster.Propose(1, "alone");
        cluster.Stabilize();
        cluster.Tick(2, 100);
        cluster.Stabilize();

        Assert.Equal(["alone"], cluster[1].Commands);
        Assert.Equal(RaftRole.Follower, cluster.Node(2).Role);
        Assert.Equal(leader.Term, cluster.Node(2).Term);
    }

    [Fact]
    public void Removing_the_leader_hands_leadership_over_and_the_group_keeps_working()
    {
        var cluster = TestCluster.Create(3);
        var old = cluster.Elect(1);

        Assert.Equal(ProposeResult.Accepted, old.ProposeMembershipChange(Change(MembershipChangeKind.RemoveNode, 1), out _));
        cluster.Stabilize();

        Assert.True(old.IsRemoved);
        Assert.Contains(cluster.Sent, m => m.Type == MessageType.TimeoutNow && m.From == N.Id(1));
        var successor = cluster.Leader!;
        Assert.NotEqual(N.Id(1), successor.Id);
        Assert.Equal([N.Id(2), N.Id(3)], successor.Node.Membership.Voters);
        Assert.Equal(ProposeResult.Removed, old.Propose(Logs.Command("x"), out _));

        var term = successor.Node.Term;
        cluster.Propose(successor.Id.Value, "after");
        cluster.TickAllAndStabilize(50);

        Assert.Equal(["after"], cluster[2].Commands);
        Assert.Equal(["after"], cluster[3].Commands);
        Assert.Equal((successor.Id, term), (cluster.Leader!.Id, cluster.Leader.Node.Term));
    }

    [Fact]
    public void A_removed_follower_refuses_work_with_Removed()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        leader.ProposeMembershipChange(Change(MembershipChangeKind.RemoveNode, 3), out _);
        cluster.Stabilize();

        var removed = cluster.Node(3);
        Assert.True(removed.IsRemoved);
        Assert.Equal(ProposeResult.Removed, removed.Propose(Logs.Command("x"), out _));
        Assert.Equal(ProposeResult.Removed, removed.ReadIndex(1));
        Assert.Equal(ProposeResult.Removed, removed.TransferLeadership(N.Id(1)));
        Assert.DoesNotContain(leader.PeerStatuses(), p => p.Id == N.Id(3));
    }

    [Theory]
    [InlineData(MembershipChangeKind.AddVoter, 2)]
    [InlineData(MembershipChangeKind.AddLearner, 3)]
    [InlineData(MembershipChangeKind.PromoteLearner, 2)]
    [InlineData(MembershipChangeKind.RemoveNode, 9)]
    public void A_change_that_does_not_apply_to_the_membership_is_refused(MembershipChangeKind kind, ulong node)
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        Assert.Equal(ProposeResult.InvalidMembershipChange, leader.ProposeMembershipChange(Change(kind, node), out _));
    }

    [Fact]
    public void A_follower_refuses_a_membership_change_with_NotLeader()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        Assert.Equal(ProposeResult.NotLeader, cluster.Node(2).ProposeMembershipChange(Change(MembershipChangeKind.AddLearner, 4), out _));
    }

    private static MembershipChange Change(MembershipChangeKind kind, ulong node) => new(kind, N.Id(node), ReadOnlyMemory<byte>.Empty);
}
