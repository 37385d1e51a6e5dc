using Cairn.Raft.Tests.Harness;
using Cairn.Raft.Tracking;

namespace Cairn.Raft.Tests.Units;

/// <summary>The ring of unacknowledged appends to one follower, bounded by messages and bytes.</summary>
public sealed class InflightsTests
{
    [Fact]
    public void It_is_full_when_the_message_limit_is_reached()
    {
        var inflights = new Inflights(3, 1000);

        inflights.Add(N.I(5), 10);
        inflights.Add(N.I(7), 10);
        Assert.False(inflights.IsFull);
        inflights.Add(N.I(9), 10);

        Assert.True(inflights.IsFull);
        Assert.Equal((3, 30L), (inflights.Count, inflights.Bytes));
    }

    [Fact]
    public void It_is_full_when_the_byte_limit_is_reached()
    {
        var inflights = new Inflights(10, 100);

        inflights.Add(N.I(1), 60);
        Assert.False(inflights.IsFull);
        inflights.Add(N.I(2), 40);

        Assert.True(inflights.IsFull);
    }

    [Theory]
    [InlineData(4, 3, 30)] // before every message: nothing freed
    [InlineData(5, 2, 20)] // exactly the first message's last index
    [InlineData(8, 1, 10)] // between two messages: only those ending at or before it
    [InlineData(9, 0, 0)]
    [InlineData(100, 0, 0)]
    public void Acknowledging_an_index_frees_every_message_that_ended_at_or_before_it(ulong acknowledged, int count, long bytes)
    {
        var inflights = new Inflights(3, 1000);
        inflights.Add(N.I(5), 10);
        inflights.Add(N.I(7), 10);
        inflights.Add(N.I(9), 10);

        inflights.FreeUpTo(N.I(acknowledged));

        Assert.Equal((count, bytes), (inflights.Count, inflights.Bytes));
    }

    [Fact]
    public void The_ring_wraps_around_and_frees_in_order()
    {
        var inflights = new Inflights(3, 1000);
        inflights.Add(N.I(1), 1);
        inflights.Add(N.I(2), 2);
        inflights.Add(N.I(3), 3);
        inflights.FreeUpTo(N.I(2));

        inflights.Add(N.I(4), 4);
        inflights.Add(N.I(5), 5);
        Assert.True(inflights.IsFull);

        inflights.FreeUpTo(N.I(4));
        Assert.Equal((1, 5L), (inflights.Count, inflights.Bytes));
        inflights.FreeUpTo(N.I(5));
        Assert.Equal((0, 0L), (inflights.Count, inflights.Bytes));
    }

    [Fact]
    public void Adding_beyond_the_message_limit_breaks_an_invariant()
    {
        var inflights = new Inflights(1, 1000);
        inflights.Add(N.I(1), 1);

        Assert.Throws<RaftInvariantException>(() => inflights.Add(N.I(2), 1));
    }

    [Fact]
    public void Reset_empties_it()
    {
        var inflights = new Inflights(2, 1000);
        inflights.Add(N.I(1), 5);
        inflights.Add(N.I(2), 5);

        inflights.Reset();

        Assert.Equal((0, 0L, false), (inflights.Count, inflights.Bytes, inflights.IsFull));
    }
}
