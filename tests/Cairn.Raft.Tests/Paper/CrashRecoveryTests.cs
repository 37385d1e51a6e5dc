using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft §5.5, follower and candidate crashes: requests to a crashed node fail and are retried until it returns;
/// RPCs are idempotent; a restarted node keeps the persistent state of Figure 2 (term, vote, log) and loses only
/// what it had not persisted.
/// </summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public void The_leader_retries_appends_until_a_restarted_follower_has_caught_up()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Crash(3);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster.Stabilize();
        cluster.Propose(1, "c");
        cluster.Stabilize();
        Assert.Equal(["a", "b", "c"], cluster[2].Commands);

        cluster.Restart(3);
        cluster.TickUntil(1, () => cluster[3].Commands.Count == 3, maxTicks: 30);

        Assert.Equal(["a", "b", "c"], cluster[3].Commands);
        Assert.Equal(RaftRole.Leader, cluster.Node(1).Role);
    }

    [Fact]
    public void A_candidate_whose_vote_requests_were_lost_retries_in_a_new_election()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        cluster.Crash(2);
        cluster.Crash(3);
        cluster.Campaign(1);
        Assert.Equal((RaftRole.Candidate, N.T(2)), (cluster.Node(1).Role, cluster.Node(1).Term));

        cluster.Restart(2);
        cluster.Restart(3);
        cluster.TickUntil(1, () => cluster.Node(1).Role == RaftRole.Leader, maxTicks: 30);

        Assert.Equal(N.T(3), cluster.Node(1).Term);
    }

    [Fact]
    public void A_restarted_node_keeps_its_term_vote_and_log()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        cluster.Elect(1);
        cluster.Propose(1, "x");
        cluster.Stabilize();
        var before = cluster.Node(2);

        cluster.Crash(2);
        cluster.Restart(2);
        cluster.Stabilize();
        var after = cluster.Node(2);

        Assert.NotSame(before, after);
        Assert.Equal((before.Term, before.Vote, before.LastIndex, before.LastTerm), (after.Term, after.Vote, after.LastIndex, after.LastTerm));
        Assert.Equal(["x"], cluster[2].Commands);
    }

    [Fact]
    public void A_duplicated_append_leaves_the_follower_unchanged_and_is_acknowledged_again()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Propose(1, "x");
        cluster.HandleReadies(1);
        var append = cluster.InFlight.First(m => m.Type == MessageType.Append && m.To == N.Id(2));
        cluster.Stabilize();
        var last = cluster.Node(2).LastIndex;

        cluster.Node(2).Step(append);
        cluster.HandleReadies(2);

        Assert.Equal(last, cluster.Node(2).LastIndex);
        Assert.Equal(["x"], cluster[2].Commands);
        var answer = Assert.Single(cluster.InFlight);
        Assert.False(answer.Reject);
        Assert.Equal(append.Entries[^1].Index, answer.Index);
    }

    [Fact]
    public void A_follower_that_crashes_before_persisting_an_append_loses_it_and_receives_it_again()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Propose(1, "x");
        cluster.HandleReadies(1);
        cluster.Deliver(m => m.To == N.Id(2));

        // Stepped but never persisted: the crash loses the entry, and no acknowledgement was ever sent.
        cluster.Crash(2);
        Assert.Equal(N.I(4), cluster[2].Storage.LastIndex);
        cluster.Restart(2);
        cluster.Stabilize();
        cluster.Crash(3);
        cluster.TickUntil(1, () => cluster[2].Commands.Count == 1, maxTicks: 30);

        Assert.Equal(["x"], cluster[2].Commands);
    }
}
