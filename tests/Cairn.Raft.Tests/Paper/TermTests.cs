using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft §5.1: every message carries the sender's term; a node that sees a larger term adopts it and reverts to
/// follower, and a request with a stale term is rejected (and answered so its sender learns the newer term).
/// </summary>
public sealed class TermTests
{
    [Fact]
    public void A_leader_that_sees_a_higher_term_in_a_response_becomes_a_follower_in_that_term()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        var term = leader.Term;

        leader.Step(new Message { Type = MessageType.AppendResponse, From = N.Id(2), To = N.Id(1), Term = N.T(term.Value + 3) });

        Assert.Equal(RaftRole.Follower, leader.Role);
        Assert.Equal(N.T(term.Value + 3), leader.Term);
        Assert.Equal(NodeId.None, leader.Leader);
        Assert.Equal(NodeId.None, leader.Vote);
    }

    [Fact]
    public void A_candidate_that_hears_from_a_leader_of_a_higher_term_follows_that_leader()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        cluster.Isolate(1);
        cluster.Campaign(1);
        var candidate = cluster.Node(1);
        Assert.Equal(RaftRole.Candidate, candidate.Role);

        candidate.Step(new Message { Type = MessageType.Heartbeat, From = N.Id(3), To = N.Id(1), Term = candidate.Term.Next });

        Assert.Equal(RaftRole.Follower, candidate.Role);
        Assert.Equal(N.T(3), candidate.Term);
        Assert.Equal(N.Id(3), candidate.Leader);
    }

    [Fact]
    public void A_candidate_that_hears_from_a_leader_of_its_own_term_steps_back_to_follower()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        cluster.Isolate(1);
        cluster.Campaign(1);
        var candidate = cluster.Node(1);

        candidate.Step(new Message { Type = MessageType.Heartbeat, From = N.Id(3), To = N.Id(1), Term = candidate.Term });

        Assert.Equal(RaftRole.Follower, candidate.Role);
        Assert.Equal(N.T(2), candidate.Term);
        Assert.Equal(N.Id(3), candidate.Leader);
    }

    [Fact]
    public void An_append_from_a_stale_term_is_rejected_and_answered_with_the_current_term()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var follower = cluster.Node(2);
        var lastIndex = follower.LastIndex;

        follower.Step(new Message
        {
            Type = MessageType.Append,
            From = N.Id(3),
            To = N.Id(2),
            Term = N.T(1),
            Index = lastIndex,
            LogTerm = follower.LastTerm,
            Entries = [new Entry(lastIndex.Next, N.T(1), EntryKind.Command, Logs.Command("stale"))],
        });
        cluster.HandleReadies(2);

        Assert.Equal(lastIndex, follower.LastIndex);
        Assert.Equal(N.Id(1), follower.Leader);
        var answer = Assert.Single(cluster.InFlight);
        Assert.Equal(MessageType.AppendResponse, answer.Type);
        Assert.Equal(N.Id(3), answer.To);
        Assert.Equal(N.T(2), answer.Term);
    }

    [Fact]
    public void A_deposed_leader_learns_the_new_term_from_the_answer_to_its_stale_heartbeat_and_steps_down()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Isolate(1);
        for (var i = 0; cluster.Node(2).Role != RaftRole.Leader && cluster.Node(3).Role != RaftRole.Leader; i++)
        {
            // Only the majority side ticks: the old leader stays frozen, still believing it leads term 2.
            Assert.True(i < 100, "the majority did not elect a leader");
            cluster.Tick(2);
            cluster.Tick(3);
            cluster.Stabilize();
        }

        Assert.Equal(RaftRole.Leader, cluster.Node(1).Role);
        cluster.Heal();
        cluster.TickAndStabilize(1);

        Assert.Equal(RaftRole.Follower, cluster.Node(1).Role);
        Assert.Equal(N.T(3), cluster.Node(1).Term);
    }

    [Fact]
    public void A_vote_request_from_a_stale_term_is_not_granted()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var follower = cluster.Node(2);

        follower.Step(new Message
        {
            Type = MessageType.Vote,
            From = N.Id(3),
            To = N.Id(2),
            Term = N.T(1),
            Index = N.I(100),
            LogTerm = N.T(1),
        });
        cluster.HandleReadies(2);

        Assert.Equal(N.Id(1), follower.Vote);
        Assert.DoesNotContain(cluster.InFlight, m => m.Type == MessageType.VoteResponse && !m.Reject);
    }

    [Fact]
    public void A_pre_vote_from_a_stale_term_is_rejected_with_the_current_term()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        cluster.Node(2).Step(new Message { Type = MessageType.PreVote, From = N.Id(3), To = N.Id(2), Term = N.T(1), Index = N.I(100), LogTerm = N.T(2) });
        cluster.HandleReadies(2);

        var answer = Assert.Single(cluster.InFlight);
        Assert.Equal(MessageType.PreVoteResponse, answer.Type);
        Assert.True(answer.Reject);
        Assert.Equal(N.T(2), answer.Term);
    }
}
