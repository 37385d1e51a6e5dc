namespace Cairn.Resilience.Internal;

/// <summary>Converts between <see cref="TimeSpan"/> and a <see cref="TimeProvider"/>'s timestamp units.</summary>
/// <remarks>
/// Strategies measure time with <see cref="TimeProvider.GetTimestamp"/> because it is monotonic: a wall-clock
/// step must not open a breaker or expire a window. Fake providers in tests advance it together with their clock.
/// </remarks>
internal static class Timestamps
{
    /// <summary>Converts a duration to timestamp units of <paramref name="timeProvider"/>, rounding down.</summary>
    public static long FromTimeSpan(TimeProvider timeProvider, TimeSpan duration)
    {
        if (duration == TimeSpan.MaxValue)
        {
            return long.MaxValue;
        }

        return (long)(duration.Ticks * (timeProvider.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
    }

    /// <summary>Converts timestamp units of <paramref name="timeProvider"/> to a duration.</summary>
    public static TimeSpan ToTimeSpan(TimeProvider timeProvider, long timestampDelta) =>
        TimeSpan.FromTicks((long)(timestampDelta * (TimeSpan.TicksPerSecond / (double)timeProvider.TimestampFrequency)));
}
