using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft thesis §4.2.3, disruptive servers: with check-quorum on, a follower that has heard from a leader within the
/// election timeout ignores vote requests (even of a higher term), so a node that was removed or partitioned cannot
/// depose a working leader. Leadership transfer is the one exception.
/// </summary>
public sealed class LeaseTests
{
    [Fact]
    public void A_follower_that_recently_heard_from_the_leader_ignores_a_vote_request()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var follower = cluster.Node(2);

        follower.Step(DisruptiveVote(follower));
        cluster.HandleReadies(2);

        Assert.Equal((N.T(2), N.Id(1), RaftRole.Follower), (follower.Term, follower.Leader, follower.Role));
        Assert.Empty(cluster.InFlight);
    }

    [Fact]
    public void Once_the_lease_has_expired_the_same_vote_request_is_granted()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var follower = cluster.Node(2);
        cluster.Tick(2, 10);

        follower.Step(DisruptiveVote(follower));
        cluster.HandleReadies(2);

        Assert.Equal((N.T(3), N.Id(3)), (follower.Term, follower.Vote));
        Assert.Contains(cluster.InFlight, m => m.Type == MessageType.VoteResponse && !m.Reject && m.To == N.Id(3));
    }

    [Fact]
    public void Without_check_quorum_a_follower_has_no_lease_and_is_disrupted()
    {
        var cluster = TestCluster.Create(3, o => o with { CheckQuorum = false });
        cluster.Elect(1);
        var follower = cluster.Node(2);

        follower.Step(DisruptiveVote(follower));

        Assert.Equal((N.T(3), NodeId.None), (follower.Term, follower.Leader));
    }

    private static Message DisruptiveVote(RaftNode follower) => new()
    {
        Type = MessageType.Vote,
        From = N.Id(3),
        To = follower.Id,
        Term = follower.Term.Next,
        Index = follower.LastIndex,
        LogTerm = follower.LastTerm,
    };
}
