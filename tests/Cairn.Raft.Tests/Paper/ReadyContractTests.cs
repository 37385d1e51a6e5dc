using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// The Ready contract (persist → send → apply → advance; Raft Figure 2's rule that persistent state is updated on
/// stable storage before responding to RPCs): a vote or an append acknowledgement leaves only in the ready that
/// persists it, so a crash before persisting loses the promise together with its message; Advance must be given the
/// ready handed out last.
/// </summary>
public sealed class ReadyContractTests
{
    [Fact]
    public void A_granted_vote_leaves_only_in_a_ready_whose_hard_state_records_that_vote()
    {
        var cluster = TestCluster.Create(5, o => o with { PreVote = false });

        cluster.Elect(1);

        var grants = 0;
        foreach (var member in cluster.Members)
        {
            foreach (var ready in member.Readies)
            {
                foreach (var grant in ready.Messages.Where(m => m.Type == MessageType.VoteResponse && !m.Reject))
                {
                    grants++;
                    Assert.Equal((grant.Term, grant.To), (ready.HardState?.Term, ready.HardState?.Vote));
                }
            }
        }

        Assert.Equal(4, grants);
    }

    [Fact]
    public void An_append_is_acknowledged_in_the_ready_that_persists_its_entries()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var index = cluster.Propose(1, "x");
        cluster.HandleReadies(1);
        cluster.Deliver(m => m.To == N.Id(2));

        var ready = cluster.Node(2).GetReady();

        Assert.Contains(ready.Entries, e => e.Index == index);
        Assert.Contains(ready.Messages, m => m.Type == MessageType.AppendResponse && m.Index == index && !m.Reject);
        Assert.True(ready.MustPersist);
    }

    [Fact]
    public void Only_a_leaders_readies_may_send_before_persisting_and_they_never_carry_a_promise()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        cluster.Elect(1);
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose(1, $"a{i}");
            cluster.Stabilize();
        }

        cluster.Isolate(1);
        cluster.TickAllUntil(() => cluster.Leader is { } l && l.Id != N.Id(1));
        var second = cluster.Leader!.Id.Value;
        cluster.Heal();
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose(second, $"b{i}");
            cluster.Stabilize();
        }

        var early = 0;
        foreach (var member in cluster.Members)
        {
            var persisted = HardState.Empty;
            foreach (var ready in member.Readies)
            {
                if (ready.MaySendBeforePersist)
                {
                    Assert.Null(ready.Snapshot);
                    Assert.Equal((persisted.Term, persisted.Vote), (ready.HardState?.Term ?? persisted.Term, ready.HardState?.Vote ?? persisted.Vote));
                    Assert.DoesNotContain(ready.Messages, m => m.Type is MessageType.VoteResponse or MessageType.PreVoteResponse or MessageType.AppendResponse);
                    early += ready.Messages.Count(m => m.Type == MessageType.Append && m.Entries.Count > 0);
                }

                persisted = ready.HardState ?? persisted;
            }
        }

        Assert.True(early >= 10, $"appends with entries sent before persisting: {early}");
    }

    [Fact]
    public void A_vote_granted_in_memory_but_never_persisted_is_forgotten_by_a_crash_and_never_sent()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        cluster.Node(1).Step(new Message { Type = MessageType.Vote, From = N.Id(2), To = N.Id(1), Term = N.T(2), Index = N.I(3), LogTerm = N.T(1) });
        Assert.Equal(N.Id(2), cluster.Node(1).Vote);

        cluster.Crash(1);
        cluster.Restart(1);
        cluster.Stabilize();

        Assert.Equal((N.T(1), NodeId.None), (cluster.Node(1).Term, cluster.Node(1).Vote));
        Assert.DoesNotContain(cluster.Sent, m => m.Type == MessageType.VoteResponse);
    }

    [Fact]
    public void Advance_with_a_ready_other_than_the_last_one_throws()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var node = cluster.Node(1);
        cluster.Propose(1, "a");
        var first = node.GetReady();
        node.Advance(first);
        cluster.Propose(1, "b");
        _ = node.GetReady();

        Assert.Throws<InvalidOperationException>(() => node.Advance(first));
    }

    [Fact]
    public void A_second_ready_is_not_handed_out_before_the_first_is_advanced()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var node = cluster.Node(1);
        cluster.Propose(1, "a");
        var ready = node.GetReady();
        cluster.Propose(1, "b");

        Assert.False(node.HasReady);
        Assert.Throws<InvalidOperationException>(node.GetReady);
        node.Advance(ready);
        Assert.True(node.HasReady);
    }

    [Fact]
    public void Committed_entries_are_handed_out_once_each_in_log_order()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        for (var i = 0; i < 20; i++)
        {
            cluster.Propose(1, $"c{i}");
            if (i % 3 == 0)
            {
                cluster.Stabilize();
            }
        }

        cluster.Stabilize();

        Assert.All(cluster.Members, m => Assert.Equal(
            Enumerable.Range(1, (int)m.Node.Commit.Value).Select(i => (ulong)i),
            m.AppliedEntries.Select(e => e.Index.Value)));
    }

    [Fact]
    public void A_ready_is_empty_of_work_when_nothing_happened()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        Assert.All(cluster.Members, m => Assert.False(m.Node.HasReady));
    }
}
