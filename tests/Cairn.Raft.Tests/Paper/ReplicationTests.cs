using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft §5.3, log replication: committed entries reach every state machine in log order; a follower accepts an
/// append only when its log holds the entry just before it (the consistency check); the leader overwrites a
/// follower's conflicting suffix; and the fast back-off repairs a divergent log in one round trip per term, not
/// per entry.
/// </summary>
public sealed class ReplicationTests
{
    [Fact]
    public void Committed_entries_are_applied_on_every_node_in_log_order()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster.Stabilize();
        cluster.Propose(1, "c");
        cluster.Stabilize();

        Assert.All(cluster.Members, m => Assert.Equal(["a", "b", "c"], m.Commands));
        Assert.All(cluster.Members, m => Assert.Equal(
            Enumerable.Range(1, (int)m.Node.Commit.Value).Select(i => (ulong)i),
            m.AppliedEntries.Select(e => e.Index.Value)));
    }

    [Fact]
    public void A_follower_rejects_an_append_whose_previous_entry_it_does_not_hold()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        var follower = cluster.Node(2);
        var last = follower.LastIndex;

        follower.Step(new Message
        {
            Type = MessageType.Append,
            From = N.Id(1),
            To = N.Id(2),
            Term = leader.Term,
            Index = last.Plus(5),
            LogTerm = leader.Term,
            Entries = [new Entry(last.Plus(6), leader.Term, EntryKind.Command, Logs.Command("x"))],
            Commit = leader.Commit,
        });
        cluster.HandleReadies(2);

        Assert.Equal(last, follower.LastIndex);
        var answer = Assert.Single(cluster.InFlight);
        Assert.True(answer.Reject);
        Assert.Equal(last.Plus(5), answer.Index);
        Assert.Equal(last, answer.RejectHint);
    }

    [Fact]
    public void A_follower_rejects_an_append_whose_previous_entry_has_another_term()
    {
        var cluster = new TestCluster([Logs.With(3, [2, 2]), Logs.With(3, [3, 3])]);
        var follower = cluster.Node(1);

        follower.Step(new Message
        {
            Type = MessageType.Append,
            From = N.Id(2),
            To = N.Id(1),
            Term = N.T(4),
            Index = N.I(5),
            LogTerm = N.T(3),
            Entries = [new Entry(N.I(6), N.T(4), EntryKind.Command, Logs.Command("x"))],
        });
        cluster.HandleReadies(1);

        Assert.Equal([2UL, 2UL], Logs.TermsFrom(cluster[1].Storage, 4));
        Assert.True(Assert.Single(cluster.InFlight).Reject);
    }

    [Fact]
    public void The_leader_overwrites_conflicting_and_extra_follower_entries_with_its_own_log()
    {
        // Figure 7 in miniature: n2 has extra entries from a deposed term-2 leader, n3 is missing entries.
        var cluster = new TestCluster([Logs.With(3, [2, 2, 3, 3, 3]), Logs.With(3, [2, 2, 2, 2, 2, 2, 2]), Logs.With(3, [2])]);

        cluster.Elect(1);

        var expected = new ulong[] { 2, 2, 3, 3, 3, 4 };
        Assert.All(cluster.Members, m => Assert.Equal(expected, Logs.TermsFrom(m.Storage, 4)));
        Assert.All(cluster.Members, m => Assert.Equal(cluster[1].Commands, m.Commands));
        Assert.Equal(N.I(9), cluster.Node(2).Commit);
    }

    [Fact]
    public void A_long_divergent_suffix_is_repaired_in_one_round_trip_per_term_not_per_entry()
    {
        // n2's 60 entries from terms 2 and 3 diverge from the leader's at index 14; the leader's own log there is 40
        // entries of term 5. A per-entry back-off needs 40 rejections; the term-based one needs one.
        var leaderTerms = Enumerable.Repeat(2UL, 10).Concat(Enumerable.Repeat(5UL, 40)).ToArray();
        var followerTerms = Enumerable.Repeat(2UL, 30).Concat(Enumerable.Repeat(3UL, 30)).ToArray();
        var cluster = new TestCluster([Logs.With(3, leaderTerms), Logs.With(3, followerTerms), Logs.With(3, leaderTerms)]);

        cluster.Elect(1);

        var rejections = cluster.SentOf(MessageType.AppendResponse, 2, 1).Count(m => m.Reject);
        var appends = cluster.SentOf(MessageType.Append, 1, 2);
        Assert.Equal(1, rejections);
        Assert.Equal(N.I(13), appends[1].Index);
        Assert.Equal(Logs.TermsFrom(cluster[1].Storage, 4), Logs.TermsFrom(cluster[2].Storage, 4));
    }

    [Fact]
    public void A_follower_far_behind_is_found_in_one_round_trip()
    {
        var leaderTerms = Enumerable.Repeat(2UL, 50).ToArray();
        var cluster = new TestCluster([Logs.With(3, leaderTerms), Logs.With(3, [2, 2, 2]), Logs.With(3, leaderTerms)]);

        cluster.Elect(1);

        Assert.Equal(1, cluster.SentOf(MessageType.AppendResponse, 2, 1).Count(m => m.Reject));
        Assert.Equal(Logs.TermsFrom(cluster[1].Storage, 1), Logs.TermsFrom(cluster[2].Storage, 1));
    }

    [Fact]
    public void A_follower_learns_the_commit_index_from_the_leader_and_applies_up_to_it()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        var index = cluster.Propose(1, "x");

        cluster.Stabilize();

        Assert.Equal(index, leader.Commit);
        Assert.Equal(index, cluster.Node(2).Commit);
        Assert.Equal(index, cluster.Node(3).Applied);
    }
}
