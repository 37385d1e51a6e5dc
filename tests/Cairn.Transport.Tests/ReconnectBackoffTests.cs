namespace Cairn.Transport.Tests;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Delays_are_full_jitter_under_a_capped_exponential_ceiling()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), seed: 42);
        Assert.Equal(TimeSpan.FromMilliseconds(10), backoff.Ceiling(0));
        Assert.Equal(TimeSpan.FromMilliseconds(80), backoff.Ceiling(3));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Ceiling(7));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Ceiling(int.MaxValue));

        var delays = Enumerable.Range(0, 1000).Select(i => (Attempt: i % 12, Delay: backoff.Next(i % 12))).ToArray();
        Assert.All(delays, d => Assert.InRange(d.Delay, TimeSpan.Zero, backoff.Ceiling(d.Attempt)));
        var capped = delays.Where(d => d.Attempt >= 7).Select(d => d.Delay.TotalMilliseconds).ToArray();
        Assert.InRange(capped.Average(), 400, 600);
    }

    [Fact]
    public void The_same_seed_gives_the_same_delays()
    {
        var a = new ReconnectBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), seed: 9);
        var b = new ReconnectBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), seed: 9);
        Assert.Equal(Enumerable.Range(0, 20).Select(a.Next), Enumerable.Range(0, 20).Select(b.Next));
    }
}
