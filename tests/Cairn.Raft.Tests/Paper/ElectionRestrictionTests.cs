using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft §5.4.1, the election restriction: a voter grants its vote only to a candidate whose log is at least as up
/// to date as its own (higher last term, or the same last term and at least as long), so a leader always holds
/// every committed entry.
/// </summary>
public sealed class ElectionRestrictionTests
{
    /// <summary>The voter's log ends at index 5, term 2 (bootstrap 1–3 at term 1, then two entries at term 2).</summary>
    [Theory]
    [InlineData(5, 2, true)] // same last term, same length
    [InlineData(6, 2, true)] // same last term, longer
    [InlineData(4, 2, false)] // same last term, shorter
    [InlineData(3, 3, true)] // higher last term wins even when shorter
    [InlineData(9, 1, false)] // lower last term loses even when longer
    public void A_vote_is_granted_only_to_a_candidate_whose_log_is_at_least_as_up_to_date(ulong lastIndex, ulong lastTerm, bool granted)
    {
        var cluster = new TestCluster([Logs.With(3, [2, 2])], o => o with { PreVote = false });

        cluster.Node(1).Step(new Message
        {
            Type = MessageType.Vote,
            From = N.Id(2),
            To = N.Id(1),
            Term = N.T(3),
            Index = N.I(lastIndex),
            LogTerm = N.T(lastTerm),
        });
        cluster.HandleReadies(1);

        var answer = Assert.Single(cluster.InFlight);
        Assert.Equal(MessageType.VoteResponse, answer.Type);
        Assert.Equal(!granted, answer.Reject);
        Assert.Equal(granted ? N.Id(2) : NodeId.None, cluster.Node(1).Vote);
    }

    [Fact]
    public void A_node_missing_committed_entries_cannot_win_an_election()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false, CheckQuorum = false });
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Propose(1, "committed");
        cluster.Stabilize();
        cluster.Heal();
        cluster.Crash(1);

        // n3 times out first but its log lacks the committed entry: n2 refuses it, so only n2 can win.
        cluster.Campaign(3);
        Assert.NotEqual(RaftRole.Leader, cluster.Node(3).Role);
        cluster.TickAllUntil(() => cluster.Leader is not null, maxTicks: 200);

        Assert.Equal(N.Id(2), cluster.Leader!.Id);
        Assert.Equal(["committed"], cluster[3].Commands);
    }
}
