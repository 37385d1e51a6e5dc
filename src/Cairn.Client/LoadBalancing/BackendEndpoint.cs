namespace Cairn.Client.LoadBalancing;

/// <summary>
/// One instance of a service the client balances over: its address and weight, plus the live state the balancer
/// keeps about it (calls in flight, active health, passive ejection) and counters for observation.
/// </summary>
/// <remarks>
/// Thread-safe. An endpoint belongs to one <see cref="EndpointSource"/> and one <see cref="LoadBalancer"/> at a
/// time; its in-flight count is exact as long as every lease is released once.
/// </remarks>
public sealed class BackendEndpoint
{
    /// <summary>The largest weight allowed, so the total weight of a large set fits in an <see cref="int"/>.</summary>
    public const int MaxWeight = 10_000;

    // Invariant: 0 <= _inFlight; incremented when a lease is taken, decremented when it is released.
    private int _inFlight;
    private int _consecutiveFailures;
    private long _ejectedUntilTimestamp = long.MinValue;
    private long _totalRequests;
    private long _totalFailures;
    private long _totalEjections;
    private volatile bool _isHealthy = true;

    /// <summary>Initializes an endpoint.</summary>
    /// <param name="address">An absolute URI; its scheme, host and port replace those of each request sent to it.</param>
    /// <param name="weight">The relative share of traffic for weighted pickers, in [1, <see cref="MaxWeight"/>].</param>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not absolute.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is out of range.</exception>
    public BackendEndpoint(Uri address, int weight = 1)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri)
        {
            throw new ArgumentException("An endpoint address must be an absolute URI.", nameof(address));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, MaxWeight);
        Address = address;
        Weight = weight;
        Authority = address.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Gets the endpoint's address.</summary>
    public Uri Address { get; }

    /// <summary>Gets the scheme, host and port, e.g. <c>http://10.0.0.5:8080</c>; also the metrics tag.</summary>
    public string Authority { get; }

    /// <summary>Gets the relative share of traffic for weighted pickers.</summary>
    public int Weight { get; }

    /// <summary>Gets the calls in flight through a <see cref="LoadBalancer"/>.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets a value indicating whether the endpoint source (active health) considers the endpoint healthy.</summary>
    public bool IsHealthy => _isHealthy;

    /// <summary>Gets the calls completed through a balancer, whatever their result.</summary>
    public long TotalRequests => Interlocked.Read(ref _totalRequests);

    /// <summary>Gets the calls reported as failures.</summary>
    public long TotalFailures => Interlocked.Read(ref _totalFailures);

    /// <summary>Gets how many times passive outlier detection ejected the endpoint.</summary>
    public long TotalEjections => Interlocked.Read(ref _totalEjections);

    /// <inheritdoc/>
    public override string ToString() => Authority;

    internal long EjectedUntilTimestamp => Volatile.Read(ref _ejectedUntilTimestamp);

    internal void SetHealthy(bool healthy) => _isHealthy = healthy;

    internal void Enter() => Interlocked.Increment(ref _inFlight);

    internal void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Records a success, ending any run of consecutive failures.</summary>
    internal void RecordSuccess()
    {
        Interlocked.Increment(ref _totalRequests);
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }
    }

    internal void RecordIgnored() => Interlocked.Increment(ref _totalRequests);

    /// <summary>Records a failure.</summary>
    /// <returns><see langword="true"/> for exactly one caller when the run reaches <paramref name="threshold"/>.</returns>
    internal bool RecordFailure(int threshold)
    {
        Interlocked.Increment(ref _totalRequests);
        Interlocked.Increment(ref _totalFailures);
        return Interlocked.Increment(ref _consecutiveFailures) == threshold;
    }

    internal void Eject(long untilTimestamp)
    {
        Volatile.Write(ref _ejectedUntilTimestamp, untilTimestamp);
        Volatile.Write(ref _consecutiveFailures, 0);
        Interlocked.Increment(ref _totalEjections);
    }
}
