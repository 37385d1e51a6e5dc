namespace Cairn.Raft.Tests.Units;

/// <summary>The seeded generator: a seed must replay the same sequence on every .NET version, so its outputs are pinned.</summary>
public sealed class SplitMix64Tests
{
    [Fact]
    public void Seed_one_produces_the_pinned_sequence()
    {
        var random = new SplitMix64(1);

        Assert.Equal(
            [0x910A2DEC89025CC1UL, 0xBEEB8DA1658EEC67UL, 0xF893A2EEFB32555EUL, 0x71C18690EE42C90BUL, 0x71BB54D8D101B5B9UL],
            Enumerable.Range(0, 5).Select(_ => random.NextUInt64()));
    }

    [Fact]
    public void Seed_zero_matches_the_reference_implementation()
    {
        Assert.Equal(0xE220A8397B1DCDAFUL, new SplitMix64(0).NextUInt64());
    }

    [Fact]
    public void The_same_seed_replays_the_same_bounded_draws()
    {
        var a = new SplitMix64(12345);
        var b = new SplitMix64(12345);

        var first = Enumerable.Range(0, 100).Select(_ => a.Next(10)).ToArray();
        var second = Enumerable.Range(0, 100).Select(_ => b.Next(10)).ToArray();

        Assert.Equal(first, second);
        Assert.All(first, x => Assert.InRange(x, 0, 9));
        Assert.Equal(10, first.Distinct().Count());
    }

    [Fact]
    public void Next_refuses_an_empty_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SplitMix64(1).Next(0));
    }

    [Fact]
    public void Chance_is_never_true_at_zero_and_always_true_at_one()
    {
        var random = new SplitMix64(7);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.False(random.Chance(0)));
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(random.Chance(1)));
    }
}
