using Cairn.Client.Cluster;

namespace Cairn.Client.Tests.Cluster;

/// <summary>Capped exponential backoff with full jitter, drawn from a seeded stream.</summary>
public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(5, 1000)]
    [InlineData(64, 1000)]
    [InlineData(int.MaxValue, 1000)]
    public void The_ceiling_doubles_per_retry_up_to_the_cap(int retry, int ceilingMs)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), seed: 1);
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs), backoff.Ceiling(retry));
    }

    [Fact]
    public void Delays_fall_anywhere_below_the_ceiling_and_a_seed_replays_them()
    {
        const long Seed = 20_260_601;
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), Seed);
        var twin = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), Seed);
        var delays = Enumerable.Range(0, 2000).Select(i => (Retry: 1 + (i % 6), Delay: backoff.NextDelay(1 + (i % 6)))).ToArray();

        Assert.All(delays, d => Assert.InRange(d.Delay, TimeSpan.Zero, backoff.Ceiling(d.Retry) - TimeSpan.FromTicks(1)));
        Assert.Equal(delays.Select(d => d.Delay), delays.Select(d => twin.NextDelay(d.Retry)));

        // Full jitter: the draws spread over the whole range, not bunched near the ceiling.
        var capped = delays.Where(d => d.Retry >= 5).Select(d => d.Delay.TotalMilliseconds).ToArray();
        Assert.InRange(capped.Min(), 0, 50);
        Assert.InRange(capped.Max(), 950, 1000);
        Assert.InRange(capped.Average(), 450, 550);
    }

    [Fact]
    public void A_zero_base_delay_retries_at_once()
    {
        var backoff = new Backoff(TimeSpan.Zero, TimeSpan.FromSeconds(1), seed: 7);
        Assert.All(Enumerable.Range(1, 10), retry => Assert.Equal(TimeSpan.Zero, backoff.NextDelay(retry)));
    }
}
