namespace Cairn.Resilience.Cluster.Internal;

/// <summary>The pause of a background loop after its <c>n</c>-th failure in a row: 100 ms doubling to at most 5 s.</summary>
/// <remarks>
/// Background loops (watch, report, membership, release) run after the client's own retries have given up, so the
/// cluster is likely down; a capped exponential pause keeps them from spinning. No jitter: instances do not retry in
/// step, because their failures began at different moments.
/// </remarks>
internal static class RetryDelay
{
    private static readonly TimeSpan _first = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan _max = TimeSpan.FromSeconds(5);

    public static TimeSpan After(int failures) =>
        failures <= 1 ? _first : TimeSpan.FromTicks(Math.Min(_max.Ticks, _first.Ticks << Math.Min(failures - 1, 10)));
}
