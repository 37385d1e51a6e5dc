using System.Text;
using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Proposals forwarded inside Raft (thesis §6.2 lets a follower redirect or forward; etcd forwards MsgProp): a follower
/// sends the command to the leader it knows, the leader appends it as its own and answers with the index, and the
/// follower learns that placement through a ready. The leader refuses what it could not propose itself, and anything
/// but a single plain command.
/// </summary>
public sealed class ForwardedProposalTests
{
    [Fact]
    public void A_follower_forwards_a_command_and_learns_the_index_and_term_the_leader_committed_it_at()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);

        Assert.Equal(ProposeResult.Forwarded, cluster.Node(2).Propose(Logs.Command("x"), 42, out var index));
        Assert.Equal(LogIndex.Zero, index);
        cluster.Stabilize();

        var placement = Assert.Single(cluster[2].Forwarded);
        Assert.Equal(new ForwardedProposal(42, true, leader.LastIndex, leader.Term), placement);
        Assert.All(cluster.Members, m => Assert.Equal("x", m.Commands[^1]));
        var applied = cluster[2].AppliedEntries.Single(e => e.Index == placement.Index);
        Assert.Equal((leader.Term, "x"), (applied.Term, Encoding.UTF8.GetString(applied.Data.Span)));
    }

    [Fact]
    public void The_leader_proposes_here_and_a_node_that_knows_no_leader_refuses()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        Assert.Equal(ProposeResult.Accepted, leader.Propose(Logs.Command("x"), 7, out var index));
        Assert.Equal(leader.LastIndex, index);

        var lonely = TestCluster.Create(3);
        Assert.Equal(ProposeResult.NotLeader, lonely.Node(2).Propose(Logs.Command("x"), 7, out _));
        Assert.Empty(lonely.Sent);
    }

    [Fact]
    public void The_leader_refuses_during_a_transfer_and_the_follower_hears_of_it()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.DropIf = m => m.Type == MessageType.TimeoutNow;
        Assert.Equal(ProposeResult.Accepted, leader.TransferLeadership(new NodeId(3)));
        cluster.Stabilize();
        var last = leader.LastIndex;

        cluster.Node(2).Propose(Logs.Command("x"), 9, out _);
        cluster.Stabilize();

        Assert.Equal([new ForwardedProposal(9, false, LogIndex.Zero, leader.Term)], cluster[2].Forwarded);
        Assert.Equal(last, leader.LastIndex);
    }

    [Fact]
    public void A_forwarded_membership_change_or_batch_is_refused_and_appends_nothing()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        var last = leader.LastIndex;
        var change = new MembershipChange(MembershipChangeKind.RemoveNode, new NodeId(3), ReadOnlyMemory<byte>.Empty).Encode();
        Message Forward(params Entry[] entries) =>
            new() { Type = MessageType.Propose, From = new NodeId(2), To = new NodeId(1), Term = leader.Term, Context = 5, Entries = entries };

        leader.Step(Forward(new Entry(LogIndex.Zero, Term.Zero, EntryKind.MembershipChange, change)));
        leader.Step(Forward(Command("a"), Command("b")));
        leader.Step(Forward());
        cluster.HandleReadies(1);

        Assert.Equal(last, leader.LastIndex);
        var answers = cluster.Sent.Where(m => m.Type == MessageType.ProposeResponse).ToList();
        Assert.Equal(3, answers.Count);
        Assert.All(answers, a => Assert.True(a.Reject));
    }

    [Fact]
    public void An_answer_from_a_node_that_is_not_the_followers_leader_is_ignored()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Node(2).Step(new Message
        {
            Type = MessageType.ProposeResponse,
            From = new NodeId(3),
            To = new NodeId(2),
            Term = leader.Term,
            Index = new LogIndex(99),
            Context = 1,
        });
        cluster.HandleReadies(2);

        Assert.Empty(cluster[2].Forwarded);
    }

    private static Entry Command(string text) => new(LogIndex.Zero, Term.Zero, EntryKind.Command, Logs.Command(text));
}
