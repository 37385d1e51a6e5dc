using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Units;

/// <summary>The log: durable entries from storage plus the unstable tail, the follower's append, and the back-off search.</summary>
public sealed class RaftLogTests
{
    /// <summary>Indexes 1–3 at term 1 (bootstrap), 4–5 at term 2, 6–8 at term 4; committed up to 3.</summary>
    private static RaftLog Log() => new(Logs.With(3, [2, 2, 4, 4, 4]));

    private static Entry E(ulong index, ulong term, int bytes = 0) => new(N.I(index), N.T(term), EntryKind.Command, new byte[bytes]);

    [Fact]
    public void An_append_whose_previous_entry_does_not_match_is_refused_and_changes_nothing()
    {
        var log = Log();

        Assert.Null(log.TryAppend(N.I(8), N.T(3), N.I(8), [E(9, 5)]));
        Assert.Null(log.TryAppend(N.I(9), N.T(4), N.I(8), [E(10, 5)]));

        Assert.Equal((N.I(8), N.I(3), 0), (log.LastIndex, log.Committed, log.UnstableCount));
    }

    [Fact]
    public void Entries_the_log_already_holds_are_not_rewritten_and_a_matching_prefix_truncates_nothing()
    {
        var log = Log();

        Assert.Equal(N.I(6), log.TryAppend(N.I(4), N.T(2), N.I(6), [E(5, 2), E(6, 4)]));

        Assert.Equal((N.I(8), 0), (log.LastIndex, log.UnstableCount));
        Assert.Equal(N.I(6), log.Committed);
    }

    [Fact]
    public void A_conflicting_entry_and_everything_after_it_are_replaced()
    {
        var log = Log();

        Assert.Equal(N.I(7), log.TryAppend(N.I(5), N.T(2), N.I(3), [E(6, 5), E(7, 5)]));

        Assert.Equal(N.I(7), log.LastIndex);
        Assert.Equal([N.T(2), N.T(5), N.T(5)], new ulong[] { 5, 6, 7 }.Select(i => log.TermAt(N.I(i))));
        Assert.Equal([N.I(6), N.I(7)], log.UnstableEntries().Select(e => e.Index));
    }

    [Theory]
    [InlineData(10, 8)] // the leader's commit is capped at the last entry the message covers
    [InlineData(5, 5)]
    [InlineData(2, 3)] // never moves back
    public void The_commit_index_follows_the_leader_up_to_the_last_new_entry(ulong leaderCommit, ulong committed)
    {
        var log = Log();

        log.TryAppend(N.I(7), N.T(4), N.I(leaderCommit), [E(8, 4)]);

        Assert.Equal(N.I(committed), log.Committed);
    }

    [Fact]
    public void Overwriting_a_committed_entry_breaks_an_invariant()
    {
        var log = Log();
        log.CommitTo(N.I(6));

        Assert.Throws<RaftInvariantException>(() => log.TryAppend(N.I(5), N.T(2), N.I(6), [E(6, 5)]));
    }

    [Fact]
    public void Committing_beyond_the_last_index_breaks_an_invariant()
    {
        Assert.Throws<RaftInvariantException>(() => Log().CommitTo(N.I(9)));
    }

    [Theory]
    [InlineData(8, 4, 8)]
    [InlineData(8, 3, 5)] // skip the whole term-4 run at once
    [InlineData(8, 2, 5)]
    [InlineData(8, 1, 3)]
    [InlineData(8, 0, 0)]
    [InlineData(20, 3, 5)] // an index beyond the log starts from the last entry
    [InlineData(4, 9, 4)]
    public void FindConflictByTerm_returns_the_last_index_at_or_below_whose_term_is_at_most_the_given_term(ulong index, ulong term, ulong expected)
    {
        Assert.Equal(N.I(expected), Log().FindConflictByTerm(N.I(index), N.T(term)));
    }

    [Fact]
    public void FindConflictByTerm_stops_at_the_first_unavailable_index_below_the_snapshot()
    {
        var storage = Logs.With(3, [2, 2, 4, 4, 4]);
        storage.Persist(new HardState(N.T(4), NodeId.None, N.I(8)), [], null);
        storage.SaveSnapshot(N.I(5), new Membership(Logs.Ids(3), []), ReadOnlyMemory<byte>.Empty);
        var log = new RaftLog(storage);

        // Index 5 is the snapshot's (term 2): still known. Index 4 is compacted: the search cannot look further.
        Assert.Equal(N.I(5), log.FindConflictByTerm(N.I(8), N.T(2)));
        Assert.Equal(N.I(4), log.FindConflictByTerm(N.I(8), N.T(1)));
    }

    [Theory]
    [InlineData(1, 9, 3 * 34, 3)]
    [InlineData(4, 9, 3 * 34, 3)] // two from storage and one unstable
    [InlineData(6, 9, 3 * 34, 3)] // unstable only
    [InlineData(1, 9, 1, 1)] // at least one entry
    [InlineData(1, 9, long.MaxValue, 8)]
    [InlineData(2, 4, long.MaxValue, 2)]
    public void Slice_stops_before_the_byte_limit_but_returns_at_least_one_entry(ulong from, ulong to, long maxBytes, int count)
    {
        var storage = new MemoryStorage();
        storage.Persist(new HardState(N.T(1), NodeId.None, N.I(0)), [E(1, 1, 10), E(2, 1, 10), E(3, 1, 10), E(4, 1, 10), E(5, 1, 10)], null);
        var log = new RaftLog(storage);
        log.Append([E(6, 1, 10), E(7, 1, 10), E(8, 1, 10)]);

        var slice = log.Slice(N.I(from), N.I(to), maxBytes);

        Assert.Equal(Enumerable.Range((int)from, count).Select(i => (ulong)i), slice.Select(e => e.Index.Value));
    }

    [Fact]
    public void StableTo_drops_persisted_entries_from_the_unstable_tail_only_when_the_term_still_matches()
    {
        var log = new RaftLog(Logs.Bootstrapped(3));
        log.Append([E(4, 2), E(5, 2), E(6, 2)]);

        log.StableTo(N.I(5), N.T(2));
        Assert.Equal([N.I(6)], log.UnstableEntries().Select(e => e.Index));

        // Index 6 was replaced at term 3 after the ready that carried it was taken: the new version stays unstable.
        log.Append([E(6, 3)]);
        log.StableTo(N.I(6), N.T(2));
        Assert.Equal([(N.I(6), N.T(3))], log.UnstableEntries().Select(e => (e.Index, e.Term)));

        log.StableTo(N.I(6), N.T(3));
        Assert.Equal(0, log.UnstableCount);
    }

    [Fact]
    public void Committed_entries_are_handed_out_once_within_the_byte_limit()
    {
        var log = Log();
        log.CommitTo(N.I(8));

        var first = log.NextCommittedEntries(1);
        var rest = log.NextCommittedEntries(long.MaxValue);

        Assert.Equal([N.I(1)], first.Select(e => e.Index));
        Assert.Equal(Enumerable.Range(2, 7).Select(i => N.I((ulong)i)), rest.Select(e => e.Index));
        Assert.Equal(0, log.NextCommittedEntries(long.MaxValue).Count);
    }

    [Theory]
    [InlineData(8, 4, true)]
    [InlineData(9, 4, true)]
    [InlineData(7, 4, false)]
    [InlineData(2, 5, true)]
    [InlineData(100, 3, false)]
    public void IsUpToDate_compares_last_terms_then_lengths(ulong lastIndex, ulong lastTerm, bool upToDate)
    {
        Assert.Equal(upToDate, Log().IsUpToDate(N.I(lastIndex), N.T(lastTerm)));
    }
}
