using Cairn.Cli.Bench;

namespace Cairn.Cli.Tests.Bench;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void An_empty_histogram_reports_zero()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.MaxMicroseconds);
        Assert.Equal(0, histogram.PercentileMicroseconds(50));
        Assert.Equal(0, histogram.PercentileMicroseconds(100));
    }

    [Fact]
    public void Values_below_256_microseconds_are_exact()
    {
        var histogram = new LatencyHistogram();
        for (var value = 1; value <= 100; value++)
        {
            histogram.Record(value);
        }

        Assert.Equal(100, histogram.Count);
        Assert.Equal(50, histogram.PercentileMicroseconds(50));
        Assert.Equal(95, histogram.PercentileMicroseconds(95));
        Assert.Equal(99, histogram.PercentileMicroseconds(99));
        Assert.Equal(100, histogram.PercentileMicroseconds(100));
        Assert.Equal(1, histogram.PercentileMicroseconds(0));
        Assert.Equal(100, histogram.MaxMicroseconds);
    }

    [Fact]
    public void A_single_value_is_reported_exactly_at_every_percentile()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(123_456);

        Assert.Equal(123_456, histogram.PercentileMicroseconds(50));
        Assert.Equal(123_456, histogram.PercentileMicroseconds(99));
    }

    [Fact]
    public void Negative_values_count_as_zero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);

        Assert.Equal(1, histogram.Count);
        Assert.Equal(0, histogram.PercentileMicroseconds(50));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20260101)]
    [InlineData(424242)]
    public void Percentiles_are_within_one_128th_above_the_exact_sorted_value(int seed)
    {
        // Log-uniform latencies from 1 µs to 100 s: every octave the buckets cover is exercised.
        var random = new Random(seed);
        var values = new long[10_000];
        var histogram = new LatencyHistogram();
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (long)Math.Pow(10, random.NextDouble() * 8);
            histogram.Record(values[i]);
        }

        Array.Sort(values);
        foreach (var percent in new[] { 0.0, 1, 50, 90, 95, 99, 99.9, 100 })
        {
            var exact = values[Math.Max(0, (int)Math.Ceiling(percent / 100 * values.Length) - 1)];
            var reported = histogram.PercentileMicroseconds(percent);
            Assert.True(
                reported >= exact && reported <= exact + (exact / 128),
                $"seed {seed}: p{percent} is {reported} µs; the exact value is {exact} µs");
        }

        Assert.Equal(values[^1], histogram.MaxMicroseconds);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(255L)]
    [InlineData(256L)]
    [InlineData(257L)]
    [InlineData(1_000L)]
    [InlineData(65_535L)]
    [InlineData(3_600_000_000L)]
    [InlineData(long.MaxValue)]
    public void Every_value_falls_in_a_bucket_whose_highest_value_is_at_least_it_and_within_one_128th(long value)
    {
        var index = LatencyHistogram.IndexOf(value);
        var highest = LatencyHistogram.HighestValueOf(index);

        Assert.True(highest >= value, $"{value} is in bucket {index}, whose highest value is {highest}");
        Assert.True(highest - value <= value / 128, $"{value} is in bucket {index}, whose highest value is {highest}");
        Assert.Equal(index, LatencyHistogram.IndexOf(highest));
    }

    [Fact]
    public void Concurrent_recorders_lose_no_value()
    {
        var histogram = new LatencyHistogram();

        Parallel.For(0, 8, worker =>
        {
            for (var i = 1; i <= 10_000; i++)
            {
                histogram.Record(i);
            }
        });

        Assert.Equal(80_000, histogram.Count);
        Assert.Equal(10_000, histogram.MaxMicroseconds);
        Assert.InRange(histogram.PercentileMicroseconds(50), 5_000, 5_000 + (5_000 / 128));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(100.1)]
    public void A_percent_outside_0_to_100_is_refused(double percent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyHistogram().PercentileMicroseconds(percent));
}
