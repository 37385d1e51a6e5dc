namespace Cairn.Client.LoadBalancing;

/// <summary>Passive health: eject an endpoint after consecutive failed calls, for a reactivation period.</summary>
public sealed class OutlierDetectionOptions
{
    /// <summary>Gets the consecutive failures that eject an endpoint, in [1, 1000]; default 5.</summary>
    public int ConsecutiveFailures { get; init; } = 5;

    /// <summary>Gets how long an ejected endpoint gets no traffic, in [1 ms, 1 h]; default 10 s.</summary>
    public TimeSpan ReactivationPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws if a value is out of range; the balancer calls it on construction.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ConsecutiveFailures, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ConsecutiveFailures, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReactivationPeriod, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReactivationPeriod, TimeSpan.FromHours(1));
    }
}
