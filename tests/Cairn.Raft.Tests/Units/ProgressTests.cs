using Cairn.Raft.Tests.Harness;
using Cairn.Raft.Tracking;

namespace Cairn.Raft.Tests.Units;

/// <summary>The leader's view of one follower: probe, replicate and snapshot states and their transitions.</summary>
public sealed class ProgressTests
{
    [Fact]
    public void A_new_progress_probes_from_the_given_index()
    {
        var progress = new Progress(N.I(10), 4, 1000);

        Assert.Equal((ReplicationState.Probe, N.I(0), N.I(10), false), (progress.State, progress.Match, progress.Next, progress.IsPaused));
    }

    [Fact]
    public void In_probe_state_one_append_pauses_until_an_answer()
    {
        var progress = new Progress(N.I(10), 4, 1000);

        progress.SentEntries(N.I(12), 30);
        Assert.True(progress.IsPaused);
        Assert.Equal(N.I(10), progress.Next);

        Assert.True(progress.MaybeUpdate(N.I(12)));
        Assert.False(progress.IsPaused);
        Assert.Equal((N.I(12), N.I(13)), (progress.Match, progress.Next));
    }

    [Fact]
    public void An_old_acknowledgement_is_not_an_update()
    {
        var progress = new Progress(N.I(10), 4, 1000);
        progress.MaybeUpdate(N.I(8));

        Assert.False(progress.MaybeUpdate(N.I(5)));
        Assert.Equal((N.I(8), N.I(10)), (progress.Match, progress.Next));
    }

    [Fact]
    public void In_replicate_state_appends_pipeline_until_the_window_is_full()
    {
        var progress = new Progress(N.I(10), 2, 1000);
        progress.MaybeUpdate(N.I(9));
        progress.BecomeReplicate();
        Assert.Equal(N.I(10), progress.Next);

        progress.SentEntries(N.I(12), 10);
        Assert.False(progress.IsPaused);
        progress.SentEntries(N.I(15), 10);

        Assert.True(progress.IsPaused);
        Assert.Equal(N.I(16), progress.Next);
        progress.Inflights.FreeUpTo(N.I(12));
        Assert.False(progress.IsPaused);
    }

    [Theory]
    [InlineData(8, false, 16)] // rejection of an index at or below Match: stale
    [InlineData(12, true, 10)] // current: fall back to Match + 1
    public void In_replicate_state_a_rejection_after_Match_falls_back_to_Match_plus_one(ulong rejected, bool current, ulong next)
    {
        var progress = new Progress(N.I(10), 4, 1000);
        progress.MaybeUpdate(N.I(9));
        progress.BecomeReplicate();
        progress.SentEntries(N.I(15), 10);

        Assert.Equal(current, progress.MaybeDecreaseTo(N.I(rejected), N.I(3)));
        Assert.Equal(N.I(next), progress.Next);
    }

    [Theory]
    [InlineData(9, 5, true, 6)] // the probe at Next - 1 was rejected: jump to just after the hint
    [InlineData(9, 20, true, 9)] // a hint above the rejected index does not move Next forward
    [InlineData(9, 0, true, 4)] // never below Match + 1
    [InlineData(7, 5, false, 10)] // not the probe we sent: stale
    public void In_probe_state_only_the_current_rejection_moves_Next_back(ulong rejected, ulong hint, bool current, ulong next)
    {
        var probe = new Progress(N.I(10), 4, 1000);
        probe.MaybeUpdate(N.I(3));
        probe.SentEntries(N.I(12), 10);

        Assert.Equal(current, probe.MaybeDecreaseTo(N.I(rejected), N.I(hint)));
        Assert.Equal(N.I(next), probe.Next);
        Assert.Equal(!current, probe.IsPaused);
    }

    [Fact]
    public void In_snapshot_state_nothing_is_sent_and_the_probe_resumes_after_the_snapshot()
    {
        var progress = new Progress(N.I(10), 4, 1000);
        progress.MaybeUpdate(N.I(2));

        progress.BecomeSnapshot(N.I(50));
        Assert.True(progress.IsPaused);
        Assert.Equal(N.I(50), progress.PendingSnapshot);

        progress.BecomeProbe();
        Assert.Equal((ReplicationState.Probe, N.I(51), N.I(0)), (progress.State, progress.Next, progress.PendingSnapshot));
    }

    [Fact]
    public void Changing_state_clears_the_window_and_the_probe_flag()
    {
        var progress = new Progress(N.I(10), 4, 1000);
        progress.MaybeUpdate(N.I(9));
        progress.BecomeReplicate();
        progress.SentEntries(N.I(12), 10);
        progress.StalledTicks = 3;

        progress.BecomeProbe();

        Assert.Equal((0, false, 0, N.I(10)), (progress.Inflights.Count, progress.ProbeSent, progress.StalledTicks, progress.Next));
    }
}
