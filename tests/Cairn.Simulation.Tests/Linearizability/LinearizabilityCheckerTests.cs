using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation.Tests.Linearizability;

/// <summary>
/// Hand-written histories with a known answer. Times are ticks; an interval [a, b] is closed, so operations whose
/// intervals touch are concurrent. Every key starts absent.
/// </summary>
public sealed class LinearizabilityCheckerTests
{
    private static LinearizabilityResult AssertLinearizable(HistoryBuilder history)
    {
        LinearizabilityResult result = LinearizabilityChecker.Check(history.Build());
        Assert.True(result.Verdict == Verdict.Linearizable, result.Explanation);
        Assert.True(result.IsLinearizable);
        return result;
    }

    private static LinearizabilityResult AssertNotLinearizable(HistoryBuilder history)
    {
        LinearizabilityResult result = LinearizabilityChecker.Check(history.Build());
        Assert.True(result.Verdict == Verdict.NotLinearizable, result.Explanation);
        Assert.False(result.IsLinearizable);
        return result;
    }

    [Fact]
    public void An_empty_history_is_linearizable()
    {
        LinearizabilityResult result = AssertLinearizable(new HistoryBuilder());
        Assert.Empty(result.Keys);
    }

    [Fact]
    public void Sequential_writes_and_reads_are_linearizable()
    {
        AssertLinearizable(new HistoryBuilder()
            .Get(1, "x", null, 0, 5)
            .Put(1, "x", "a", 10, 20)
            .Get(2, "x", "a", 30, 40)
            .Delete(1, "x", 50, 60)
            .Get(2, "x", null, 70, 80)
            .Cas(3, "x", null, "b", ok: true, 90, 100)
            .Cas(3, "x", "a", "c", ok: false, 110, 120)
            .Get(1, "x", "b", 130, 140));
    }

    [Fact]
    public void A_stale_read_after_a_completed_write_is_not_linearizable()
    {
        LinearizabilityResult result = AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Put(1, "x", "b", 20, 30)
            .Get(2, "x", "a", 40, 50));

        // The explanation names the key, the blocked read, and what the register held instead.
        Assert.Contains("Key \"x\"", result.Explanation, StringComparison.Ordinal);
        Assert.Contains("#3 client 2 Get [40, 50] -> \"a\" must take effect by tick 50", result.Explanation, StringComparison.Ordinal);
        Assert.Contains("would read \"b\"", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_read_concurrent_with_a_write_may_see_the_old_or_the_new_value()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Put(1, "x", "b", 20, 30)
            .Get(2, "x", "a", 25, 35));
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Put(1, "x", "b", 20, 30)
            .Get(2, "x", "b", 25, 35));
    }

    [Fact]
    public void Intervals_that_touch_at_one_tick_are_concurrent()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Get(2, "x", null, 10, 20));
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Get(2, "x", null, 11, 20));
    }

    [Fact]
    public void Once_a_new_value_is_read_no_later_read_sees_the_old_one()
    {
        // Both reads overlap the write, but the first to read "b" finished before the second began.
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Put(1, "x", "b", 20, 100)
            .Get(2, "x", "b", 30, 40)
            .Get(3, "x", "a", 50, 60));
    }

    [Fact]
    public void A_read_of_a_value_never_written_is_not_linearizable()
    {
        LinearizabilityResult result = AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Get(2, "x", "ghost", 5, 15));
        Assert.Contains("\"ghost\"", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lost_update_is_not_linearizable()
    {
        // Two increments by CAS both succeed, but a later read sees only the first.
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "n", "0", 0, 10)
            .Cas(1, "n", "0", "1", ok: true, 20, 30)
            .Cas(2, "n", "1", "2", ok: true, 40, 50)
            .Get(3, "n", "1", 60, 70));
    }

    [Fact]
    public void A_CAS_cannot_succeed_twice_from_the_same_expected_value()
    {
        LinearizabilityResult result = AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Cas(2, "x", "a", "b", ok: true, 20, 40)
            .Cas(3, "x", "a", "c", ok: true, 25, 35));
        Assert.Contains("cannot succeed", result.Explanation, StringComparison.Ordinal);

        // With one of them failing, the same schedule is fine.
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Cas(2, "x", "a", "b", ok: true, 20, 40)
            .Cas(3, "x", "a", "c", ok: false, 25, 35));
    }

    [Fact]
    public void A_CAS_expecting_absent_succeeds_only_on_an_absent_key()
    {
        AssertLinearizable(new HistoryBuilder()
            .Cas(1, "x", null, "a", ok: true, 0, 10)
            .Cas(2, "x", null, "b", ok: false, 20, 30)
            .Delete(1, "x", 40, 50)
            .Cas(2, "x", null, "c", ok: true, 60, 70)
            .Get(3, "x", "c", 80, 90));
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Cas(2, "x", null, "b", ok: true, 20, 30));
        AssertNotLinearizable(new HistoryBuilder()
            .Cas(2, "x", null, "b", ok: false, 0, 10));
    }

    [Fact]
    public void Fully_overlapping_operations_linearizable_in_only_one_order_are_found()
    {
        // Invoked in the reverse of the only order that works; the search has to backtrack to find it.
        AssertLinearizable(new HistoryBuilder()
            .Cas(3, "x", "b", "c", ok: true, 0, 100)
            .Cas(2, "x", "a", "b", ok: true, 1, 100)
            .Cas(1, "x", null, "a", ok: true, 2, 100)
            .Get(4, "x", "c", 110, 120));

        // Each CAS swapped, so the last one in that one order must be visible.
        AssertNotLinearizable(new HistoryBuilder()
            .Cas(3, "x", "b", "c", ok: true, 0, 100)
            .Cas(2, "x", "a", "b", ok: true, 1, 100)
            .Cas(1, "x", null, "a", ok: true, 2, 100)
            .Get(4, "x", "b", 110, 120));
    }

    [Fact]
    public void Concurrent_writes_fix_their_order_by_the_reads_around_them()
    {
        // Reads pin "b" before "a": a later read of "a" fits, one more read of "b" after that does not.
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 50)
            .Put(2, "x", "b", 0, 50)
            .Get(3, "x", "b", 10, 20)
            .Get(3, "x", "a", 60, 70));
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 50)
            .Put(2, "x", "b", 0, 50)
            .Get(3, "x", "b", 10, 20)
            .Get(3, "x", "a", 60, 70)
            .Get(4, "x", "b", 80, 90));
    }

    [Fact]
    public void A_pending_write_may_be_assumed_to_have_happened()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, null)
            .Get(2, "x", "a", 1000, 1010));
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Cas(2, "x", "a", "b", ok: false, 20, null)
            .Cas(3, "x", "a", "c", ok: false, 30, null)
            .Cas(4, "x", "a", "d", ok: false, 40, null)
            .Get(5, "x", "c", 100, 110));
    }

    [Fact]
    public void A_pending_write_may_be_assumed_not_to_have_happened()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Put(2, "x", "b", 5, null)
            .Get(3, "x", "a", 20, 30)
            .Get(3, "x", "a", 40, 50));
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Delete(2, "x", 5, null)
            .Cas(2, "x", "a", "z", ok: true, 6, null)
            .Get(3, "x", "a", 20, 30));
    }

    [Fact]
    public void A_pending_write_that_took_effect_cannot_be_undone()
    {
        // Seen once, so it happened; it cannot disappear again.
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "b", 0, null)
            .Get(2, "x", "b", 10, 20)
            .Get(2, "x", null, 30, 40));
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Delete(2, "x", 20, null)
            .Get(3, "x", null, 30, 40)
            .Get(3, "x", "a", 50, 60));
    }

    [Fact]
    public void A_pending_write_cannot_take_effect_before_it_was_invoked()
    {
        AssertNotLinearizable(new HistoryBuilder()
            .Get(1, "x", "a", 0, 10)
            .Put(2, "x", "a", 20, null));
    }

    [Fact]
    public void A_pending_read_constrains_nothing()
    {
        AssertLinearizable(new HistoryBuilder()
            .PendingGet(1, "x", 0)
            .Put(2, "x", "a", 5, 10)
            .PendingGet(3, "x", 20)
            .Get(4, "x", "a", 30, 40));
    }

    [Fact]
    public void Keys_are_checked_independently_and_only_the_failing_one_is_reported()
    {
        LinearizabilityResult result = AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "good", "a", 0, 10)
            .Put(1, "bad", "a", 0, 10)
            .Get(2, "good", "a", 20, 30)
            .Get(2, "bad", null, 20, 30));
        Assert.Contains("Key \"bad\"", result.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("Key \"good\"", result.Explanation, StringComparison.Ordinal);
        Assert.Equal(["bad", "good"], result.Keys.Select(key => key.Key));
        Assert.Equal([Verdict.NotLinearizable, Verdict.Linearizable], result.Keys.Select(key => key.Verdict));
    }

    [Fact]
    public void Operations_on_different_keys_do_not_constrain_each_other()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Get(2, "y", null, 20, 30)
            .Put(1, "y", "b", 40, 50)
            .Get(2, "x", "a", 60, 70));
    }

    [Fact]
    public void A_version_counts_the_puts_since_the_key_was_created_and_a_delete_resets_it()
    {
        AssertLinearizable(new HistoryBuilder()
            .GetWithVersion(1, "x", null, 0, 0, 5)
            .Put(1, "x", "a", 10, 20)
            .Cas(1, "x", "a", "b", ok: true, 30, 40)
            .GetWithVersion(2, "x", "b", 2, 50, 60)
            .Delete(1, "x", 70, 80)
            .Put(1, "x", "c", 90, 100)
            .GetWithVersion(2, "x", "c", 1, 110, 120));
        LinearizabilityResult result = AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Put(1, "x", "a2", 20, 30)
            .GetWithVersion(2, "x", "a2", 1, 40, 50));
        Assert.Contains("would read \"a2\" (version 2)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_CAS_succeeds_only_at_the_expected_version()
    {
        AssertLinearizable(new HistoryBuilder()
            .CasVersion(1, "x", 0, "a", ok: true, 0, 10)
            .CasVersion(2, "x", 0, "b", ok: false, 20, 30)
            .CasVersion(2, "x", 1, "c", ok: true, 40, 50)
            .GetWithVersion(3, "x", "c", 2, 60, 70));
        LinearizabilityResult result = AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .CasVersion(2, "x", 1, "b", ok: true, 20, 30)
            .CasVersion(3, "x", 1, "c", ok: true, 40, 50));
        Assert.Contains("not version 1", result.Explanation, StringComparison.Ordinal);

        // Two concurrent swaps from the same version: exactly one may win.
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .CasVersion(2, "x", 1, "b", ok: true, 20, 40)
            .CasVersion(3, "x", 1, "c", ok: true, 25, 35));
    }

    [Fact]
    public void A_pending_version_CAS_may_or_may_not_have_happened()
    {
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .CasVersion(2, "x", 1, "b", ok: false, 20, null)
            .GetWithVersion(3, "x", "b", 2, 30, 40));
        AssertLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .CasVersion(2, "x", 1, "b", ok: false, 20, null)
            .GetWithVersion(3, "x", "a", 1, 30, 40));
        AssertNotLinearizable(new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .CasVersion(2, "x", 2, "b", ok: false, 20, null)
            .GetWithVersion(3, "x", "b", 2, 30, 40));
    }

    [Fact]
    public void A_Put_reported_as_failed_is_not_linearizable()
    {
        AssertNotLinearizable(new HistoryBuilder()
            .Add(1, KvOperationKind.Put, "x", "a", null, 0, 10, new KvResult(false, null)));
    }

    [Fact]
    public void An_exhausted_budget_is_reported_as_unknown_not_as_a_pass_or_a_failure()
    {
        IReadOnlyList<KvOperation> history = new HistoryBuilder()
            .Put(1, "x", "a", 0, 10)
            .Put(2, "x", "b", 0, 10)
            .Get(3, "x", "b", 20, 30)
            .Build();

        LinearizabilityResult result = LinearizabilityChecker.Check(history, maxStatesPerKey: 1);

        Assert.Equal(Verdict.Unknown, result.Verdict);
        Assert.True(result.IsLinearizable);
        Assert.Contains("budget of 1 states", result.Explanation, StringComparison.Ordinal);
        Assert.Equal(Verdict.Linearizable, LinearizabilityChecker.Check(history).Verdict);
    }

    [Fact]
    public void The_same_history_gives_the_same_result()
    {
        IReadOnlyList<KvOperation> history = RandomHistory.Mutate(
            RandomHistory.Generate(seed: 7, operationCount: 300, clientCount: 5, keyCount: 2, valueCount: 3, pendingProbability: 0.05, maxDurationTicks: 20),
            new SplitMix64(7),
            valueCount: 3);

        LinearizabilityResult first = LinearizabilityChecker.Check(history);
        LinearizabilityResult second = LinearizabilityChecker.Check([.. history.Reverse()]);

        Assert.Equal(first.Verdict, second.Verdict);
        Assert.Equal(first.StatesExplored, second.StatesExplored);
        Assert.Equal(first.Explanation, second.Explanation);
    }

    [Fact]
    public void Malformed_histories_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check(new HistoryBuilder()
            .Put(1, "x", "a", 10, 5).Build()));
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check(
            [.. new HistoryBuilder().Put(1, "x", "a", 0, 5).Put(1, "x", "b", 10, 15).Build().Select(operation => operation with { Id = 1 })]));
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check(new HistoryBuilder()
            .Add(1, KvOperationKind.Get, "x", null, null, 0, 5, null).Build()));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearizabilityChecker.Check([], maxStatesPerKey: 0));
    }
}
