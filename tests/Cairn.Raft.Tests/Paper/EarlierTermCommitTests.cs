using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft §5.4.2 and Figure 8: a leader never commits an entry from an earlier term by counting replicas, because a
/// later leader may still overwrite it; such an entry is committed only indirectly, once an entry of the leader's
/// own term is on a majority.
/// </summary>
/// <remarks>
/// Indexes 1–5 hold the bootstrap membership at term 1, so the figure's index 2 is index 6 here. Figure 8(c) as
/// built below: S1 leads term 4 and has replicated its term-2 entry at index 6 to S2 and S3, a majority, but its
/// own no-op (index 7, term 4) has reached nobody. S5 holds a term-3 entry at index 6.
/// </remarks>
public sealed class EarlierTermCommitTests
{
    [Fact]
    public void An_entry_from_an_earlier_term_on_a_majority_is_not_committed_and_may_be_overwritten()
    {
        var cluster = BuildFigure8c();
        var s1 = cluster.Node(1);

        Assert.Equal(RaftRole.Leader, s1.Role);
        Assert.Equal(N.T(4), s1.Term);
        Assert.All(new ulong[] { 1, 2, 3 }, id => Assert.Equal(2UL, Logs.TermsFrom(cluster[id].Storage, 6)[0]));
        Assert.Equal([N.I(6), N.I(6)], s1.PeerStatuses().Where(p => p.Id.Value <= 3).Select(p => p.Match));
        Assert.Equal(N.I(5), s1.Commit);

        // Figure 8(d): S1 crashes, S5 is elected with votes from S2, S3 and S4 and overwrites index 6 with term 3.
        cluster.Crash(1);
        cluster.Heal();
        cluster.DropIf = null;
        cluster.TickUntil(5, () => cluster.Node(5).Role == RaftRole.Leader, maxTicks: 100);
        cluster.Restart(1);
        cluster.TickAndStabilize(5, 20);

        Assert.All(cluster.Members, m => Assert.Equal(3UL, Logs.TermsFrom(m.Storage, 6)[0]));
        Assert.DoesNotContain(cluster.Members.SelectMany(m => m.AppliedEntries), e => e.Index == N.I(6) && e.Term == N.T(2));
        Assert.All(cluster.Members, m => Assert.Equal(N.T(3), m.AppliedEntries.Single(e => e.Index == N.I(6)).Term));
    }

    [Fact]
    public void Once_an_entry_of_the_leaders_term_is_on_a_majority_the_earlier_entry_is_committed_with_it()
    {
        var cluster = BuildFigure8c();

        // Figure 8(e): S1 replicates its term-4 entry to S2 and S3 before crashing (the lost appends are resent once
        // the leader notices the stall). Index 6 is committed with it, never before.
        cluster.DropIf = null;
        cluster.TickUntil(1, () => cluster.Node(1).Commit != N.I(5), maxTicks: 50);
        Assert.Equal(N.I(7), cluster.Node(1).Commit);

        cluster.Crash(1);
        cluster.Heal();
        cluster.TickAllUntil(() => cluster.Leader is not null, maxTicks: 200);

        Assert.NotEqual(N.Id(5), cluster.Leader!.Id);
        cluster.TickAllAndStabilize(5);
        Assert.All(cluster.Members.Where(m => !m.IsDown), m => Assert.Equal(2UL, Logs.TermsFrom(m.Storage, 6)[0]));
        Assert.All(cluster.Members.Where(m => !m.IsDown), m => Assert.Equal(N.T(2), m.AppliedEntries.Single(e => e.Index == N.I(6)).Term));
    }

    private static TestCluster BuildFigure8c()
    {
        // S3 and S4 voted for S5 in term 3; S1 and S2 have heard of term 3. One entry per append, so the term-2 entry
        // and the term-4 no-op travel separately and the test can lose only the latter.
        var cluster = new TestCluster(
            [
                Logs.With(5, [2], hardTerm: 3), Logs.With(5, [], hardTerm: 3), Logs.With(5, [], hardTerm: 3, vote: 5),
                Logs.With(5, [], hardTerm: 3, vote: 5), Logs.With(5, [3], hardTerm: 3, vote: 5),
            ],
            o => o with { PreVote = false, CheckQuorum = false, MaxAppendBytes = 1 });
        foreach (var far in new ulong[] { 4, 5 })
        {
            cluster.Cut(1, far);
            cluster.Cut(far, 1);
        }

        // The no-op at index 7 is lost on its way to any follower that already holds index 6.
        cluster.DropIf = m => m.Type == MessageType.Append && m.Entries.Any(e => e.Index == N.I(7)) && cluster.Node(m.To.Value).LastIndex >= N.I(6);
        cluster.Elect(1);
        return cluster;
    }
}
