using Cairn.Client.Cluster;

namespace Cairn.Client.Tests.Cluster;

/// <summary>Where a watch resumes, so a reconnection neither skips nor repeats an event, even mid-revision.</summary>
public sealed class WatchPositionTests
{
    [Fact]
    public void A_reconnection_mid_revision_replays_that_revision_and_drops_what_was_delivered()
    {
        var position = new WatchPosition(10);
        Assert.True(position.Accept(10));
        Assert.True(position.Accept(12));
        Assert.True(position.Accept(12));

        position.Reconnecting();
        Assert.Equal(12, position.Next);
        Assert.False(position.Accept(12));
        Assert.False(position.Accept(12));
        Assert.True(position.Accept(12));
        Assert.True(position.Accept(13));
    }

    [Fact]
    public void Two_reconnections_in_a_row_still_drop_exactly_what_was_delivered()
    {
        var position = new WatchPosition(5);
        Assert.True(position.Accept(7));
        position.Reconnecting();
        position.Reconnecting();
        Assert.False(position.Accept(7));
        Assert.True(position.Accept(7));
    }

    [Fact]
    public void A_server_resume_revision_moves_past_whole_revisions_but_never_back()
    {
        var position = new WatchPosition(5);
        Assert.True(position.Accept(6));
        position.ResumeAt(9);
        position.Reconnecting();
        Assert.Equal(9, position.Next);
        Assert.True(position.Accept(9));
        position.ResumeAt(3);
        Assert.Equal(9, position.Next);
        Assert.False(position.Accept(8));
    }

    [Fact]
    public void From_now_on_is_unknown_until_a_start_is_set()
    {
        var position = new WatchPosition(0);
        Assert.False(position.IsKnown);
        position.StartAt(42);
        Assert.True(position.IsKnown);
        Assert.False(position.Accept(41));
        Assert.True(position.Accept(42));
    }
}
