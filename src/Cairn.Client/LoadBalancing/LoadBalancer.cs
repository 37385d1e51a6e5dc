using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Cairn.Client.LoadBalancing;

/// <summary>
/// Picks an endpoint per call among those that are actively healthy and not ejected by passive outlier detection,
/// counts calls in flight, and ejects an endpoint after consecutive failures for a reactivation period.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. A pick allocates nothing: it reads an immutable view of the available endpoints, which is rebuilt
/// (under a lock, allocating) only when the source's version changes, an endpoint is ejected, or an ejection ends.
/// </para>
/// <para>
/// When passive ejection leaves no endpoint but some are actively healthy, the balancer picks among all actively
/// healthy ones ("panic mode", as Envoy does): ejecting the whole service on client-side evidence alone would turn
/// a partial outage into a total one. When none is actively healthy, no endpoint is picked.
/// </para>
/// </remarks>
public sealed class LoadBalancer
{
    private readonly Lock _rebuildLock = new();
    private readonly EndpointSource _source;
    private readonly EndpointPicker _picker;
    private readonly TimeProvider _timeProvider;
    private readonly int _ejectionThreshold;
    private readonly long _reactivationTicks;

    // Incremented on every ejection so the view is rebuilt without scanning on each pick.
    private long _ejectionVersion;
    private volatile View _view = View.Stale;

    /// <summary>Initializes a balancer.</summary>
    /// <param name="source">The endpoints and their active health.</param>
    /// <param name="picker">The policy; <see cref="PowerOfTwoChoicesPicker"/> when <see langword="null"/>.</param>
    /// <param name="outlierDetection">Passive health; the defaults of <see cref="OutlierDetectionOptions"/> when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for ejections; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An outlier-detection value is out of range.</exception>
    public LoadBalancer(EndpointSource source, EndpointPicker? picker = null, OutlierDetectionOptions? outlierDetection = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        outlierDetection ??= new OutlierDetectionOptions();
        outlierDetection.Validate();
        _source = source;
        _picker = picker ?? new PowerOfTwoChoicesPicker();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _ejectionThreshold = outlierDetection.ConsecutiveFailures;
        _reactivationTicks = (long)(outlierDetection.ReactivationPeriod.Ticks * (_timeProvider.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
    }

    /// <summary>Gets the endpoint source.</summary>
    public EndpointSource Source => _source;

    /// <summary>Gets the endpoints that may be picked now.</summary>
    public AvailableEndpoints? Available => CurrentView().Endpoints;

    /// <summary>Picks an endpoint and counts the call as in flight on it.</summary>
    /// <param name="lease">The hold on the endpoint; release it once in a <see langword="finally"/> block.</param>
    /// <returns><see langword="false"/> when no endpoint is available.</returns>
    public bool TryAcquire(out EndpointLease lease)
    {
        if (!TryPick(out var endpoint))
        {
            lease = default;
            return false;
        }

        lease = Acquire(endpoint);
        return true;
    }

    /// <summary>
    /// Picks an endpoint without counting a call on it. For integrations whose pick may be thrown away before the
    /// call starts (a gRPC channel may discard a pick when the connection changes at that moment): they pick here and
    /// call <see cref="Acquire"/> only when the call really starts, so a discarded pick leaks no in-flight count.
    /// </summary>
    /// <param name="endpoint">The chosen endpoint, or <see langword="null"/> when none is available.</param>
    /// <returns><see langword="false"/> when no endpoint is available.</returns>
    public bool TryPick([NotNullWhen(true)] out BackendEndpoint? endpoint)
    {
        var endpoints = CurrentView().Endpoints;
        endpoint = endpoints is null ? null : _picker.Pick(endpoints);
        return endpoint is not null;
    }

    /// <summary>Counts a call as in flight on an endpoint that <see cref="TryPick"/> returned.</summary>
    /// <param name="endpoint">An endpoint of this balancer's source.</param>
    /// <returns>The hold on the endpoint; release it once in a <see langword="finally"/> block.</returns>
    public EndpointLease Acquire(BackendEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.Enter();
        return new EndpointLease(this, endpoint);
    }

    internal void Complete(BackendEndpoint endpoint, EndpointCallResult result)
    {
        endpoint.Exit();
        switch (result)
        {
            case EndpointCallResult.Success:
                endpoint.RecordSuccess();
                break;
            case EndpointCallResult.Failure when endpoint.RecordFailure(_ejectionThreshold):
                var now = _timeProvider.GetTimestamp();
                endpoint.Eject(now > long.MaxValue - _reactivationTicks ? long.MaxValue : now + _reactivationTicks);
                Interlocked.Increment(ref _ejectionVersion);
                LoadBalancingMetrics.RecordEjection(endpoint);
                break;
            case EndpointCallResult.Failure:
                break;
            default:
                endpoint.RecordIgnored();
                break;
        }

        LoadBalancingMetrics.RecordCall(endpoint, result);
    }

    private View CurrentView()
    {
        var view = _view;
        if (view.SourceVersion == _source.Version
            && view.EjectionVersion == Volatile.Read(ref _ejectionVersion)
            && (view.NextReactivation == long.MaxValue || _timeProvider.GetTimestamp() < view.NextReactivation))
        {
            return view;
        }

        return Rebuild();
    }

    private View Rebuild()
    {
        lock (_rebuildLock)
        {
            // Read the versions before the endpoints, so a change racing with this rebuild makes the next pick rebuild again.
            var sourceVersion = _source.Version;
            var ejectionVersion = Volatile.Read(ref _ejectionVersion);
            var now = _timeProvider.GetTimestamp();
            var all = _source.Endpoints;
            var available = new List<BackendEndpoint>(all.Count);
            var healthy = new List<BackendEndpoint>(all.Count);
            var nextReactivation = long.MaxValue;
            foreach (var endpoint in all)
            {
                if (!endpoint.IsHealthy)
                {
                    continue;
                }

                healthy.Add(endpoint);
                var ejectedUntil = endpoint.EjectedUntilTimestamp;
                if (ejectedUntil <= now)
                {
                    available.Add(endpoint);
                }
                else
                {
                    nextReactivation = Math.Min(nextReactivation, ejectedUntil);
                }
            }

            var chosen = available.Count > 0 ? available : healthy;
            var view = new View(
                chosen.Count > 0 ? new AvailableEndpoints(CollectionsMarshal.AsSpan(chosen)) : null,
                sourceVersion,
                ejectionVersion,
                nextReactivation);
            _view = view;
            return view;
        }
    }

    /// <summary>What a pick needs, built together so it is read as one consistent snapshot.</summary>
    private sealed record View(AvailableEndpoints? Endpoints, long SourceVersion, long EjectionVersion, long NextReactivation)
    {
        public static readonly View Stale = new(null, -1, -1, long.MaxValue);
    }
}
