using System.Numerics;

namespace Cairn.Cli.Bench;

/// <summary>
/// A log-bucketed latency histogram in the style of HdrHistogram, in microseconds. Values below 256 µs are counted
/// exactly; above that, each power of two is split into 128 equal buckets, so a reported value is at most 1/128
/// (0.8%) above the true one, whatever the magnitude, in a fixed 57 KiB of counters. Percentiles are reported as the
/// highest value of their bucket (as HdrHistogram does), capped at the exact maximum.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Record"/> is lock-free (interlocked counters), so many clients record into one histogram.
/// A read while others record sees each counter as of some moment during the read: good enough for a progress line;
/// read the final figures after every recorder has stopped.
/// </remarks>
internal sealed class LatencyHistogram
{
    /// <summary>Values below this are counted one per bucket (exactly).</summary>
    private const int ExactBucketCount = 256;

    /// <summary>Buckets per power of two above <see cref="ExactBucketCount"/>; a bucket is 1/128 of its magnitude.</summary>
    private const int BucketsPerOctave = 128;

    /// <summary>log2 of <see cref="BucketsPerOctave"/>.</summary>
    private const int OctaveBits = 7;

    /// <summary>Enough buckets for every non-negative long: the top octave starts at 2^62, i.e. a shift of 55.</summary>
    private const int BucketCount = ExactBucketCount + (62 - OctaveBits) * BucketsPerOctave;

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _maxMicroseconds;

    /// <summary>How many values were recorded.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>The largest value recorded, exactly; 0 when empty.</summary>
    public long MaxMicroseconds => Volatile.Read(ref _maxMicroseconds);

    /// <summary>Counts one latency; negative values count as 0.</summary>
    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        var max = Volatile.Read(ref _maxMicroseconds);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicroseconds, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>
    /// The smallest recorded value (to the histogram's precision) that at least <paramref name="percent"/> % of the
    /// values do not exceed; 0 when empty. 100 gives the exact maximum.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is not in 0..100.</exception>
    public long PercentileMicroseconds(double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percent / 100 * total));
        var seen = 0L;
        for (var index = 0; index < _counts.Length; index++)
        {
            seen += Volatile.Read(ref _counts[index]);
            if (seen >= rank)
            {
                return Math.Min(HighestValueOf(index), MaxMicroseconds);
            }
        }

        return MaxMicroseconds;
    }

    /// <summary>The bucket of <paramref name="value"/> (non-negative).</summary>
    internal static int IndexOf(long value)
    {
        if (value < ExactBucketCount)
        {
            return (int)value;
        }

        // The shift brings the value into [128, 256): its top 8 bits, of which the lower 7 pick the bucket.
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - OctaveBits;
        return ExactBucketCount + ((shift - 1) * BucketsPerOctave) + (int)((value >> shift) - BucketsPerOctave);
    }

    /// <summary>The largest value that falls in bucket <paramref name="index"/>.</summary>
    internal static long HighestValueOf(int index)
    {
        if (index < ExactBucketCount)
        {
            return index;
        }

        var shift = ((index - ExactBucketCount) / BucketsPerOctave) + 1;
        var lowest = (long)(((index - ExactBucketCount) % BucketsPerOctave) + BucketsPerOctave) << shift;
        return lowest + ((1L << shift) - 1);
    }
}
