using Cairn.Client.Cluster;
using Cairn.Resilience.Cluster.Internal;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>
/// One instance's connection to the shared circuit breaker of a dependency on a Cairn cluster: it reports this
/// instance's breaker state to the cluster and watches the other instances' reports. Pass it to
/// <see cref="CairnSharedCircuitBreakerResiliencePipelineBuilderExtensions.AddCairnSharedCircuitBreaker(Polly.ResiliencePipelineBuilder, CairnSharedCircuitBreakerStrategyOptions)"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Reports.</b> When a local breaker attached to this circuit opens on its own evidence (not by hand), the instance
/// writes <c>{KeyPrefix}{Dependency}/reports/{InstanceId}</c> on a new lease whose TTL is that opening's break
/// duration (rounded up to whole seconds, at least 1 s, at most <see cref="SharedCircuitOptions.MaxReportTtl"/>). Each
/// reopening writes it again on a fresh lease, which is how a reporter renews; when the local breaker closes (also by
/// hand) the lease is revoked. A reporter that crashes or stops reopening stops counting when its lease expires, so
/// the shared state heals itself.
/// </para>
/// <para>
/// <b>Decision.</b> One watch on <c>{KeyPrefix}{Dependency}/</c> keeps the set of reporters. The shared circuit is open
/// while at least max(<see cref="SharedCircuitOptions.MinimumReporters"/>, ⌈<see cref="SharedCircuitOptions.MinimumReporterRatio"/>
/// × known instances⌉) distinct instances report (this one included). A single instance therefore never opens the
/// others' breakers by default (App-vNext/Polly#287): a broken network path or a bug on one host looks exactly like a
/// dead dependency from that host, and only agreement between hosts tells the two apart. Whatever the fleet says,
/// each instance's own breaker keeps its own logic.
/// </para>
/// <para>
/// <b>Failure.</b> Reporting and watching run in the background and never fail a call: while the cluster cannot be
/// reached the instance keeps its last view, and each report in it stops counting once its TTL has passed on this
/// instance's clock, so the shared circuit fails open (only local breakers act). Errors go to
/// <see cref="SharedCircuitOptions.OnError"/>.
/// </para>
/// <para>Thread-safe. Use one per dependency per process and share it among that dependency's pipelines; dispose it
/// to stop watching and to withdraw this instance's report.</para>
/// </remarks>
public sealed partial class SharedCircuit : IAsyncDisposable
{
    private readonly CairnClient _client;
    private readonly TimeProvider _time;
    private readonly Action<Exception>? _onError;
    private readonly string _root;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _synchronized = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _lock.
    private readonly FleetView _view;
    private readonly List<ISharedCircuitListener> _listeners = [];

    private readonly ITimer _expiryTimer;
    private readonly AsyncSignal _changed = new();
    private readonly Task _watching;
    private readonly Task _notifying;

    // The view's OpenUntil, published for the call path: 0 while closed, else the timestamp until which calls are
    // rejected. Written under _lock, read without it.
    private long _openUntil;
    private int _disposed;

    /// <summary>Starts watching the dependency's reports at once; reports are written when an attached breaker opens.</summary>
    /// <param name="client">The cluster client; it must outlive this circuit (it is not disposed here).</param>
    /// <param name="options">The settings, validated and copied.</param>
    /// <exception cref="ArgumentException">A setting is out of range (see <see cref="SharedCircuitOptions.Validate"/>).</exception>
    public SharedCircuit(CairnClient client, SharedCircuitOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _time = options.TimeProvider ?? TimeProvider.System;
        _onError = options.OnError;
        Dependency = options.Dependency;
        InstanceId = options.InstanceId ?? ClusterNames.ProcessInstanceId;
        MinimumReporters = options.MinimumReporters;
        _root = $"{options.KeyPrefix}{Dependency}/";
        _reportKey = $"{_root}reports/{InstanceId}";
        _memberKey = $"{_root}members/{InstanceId}";
        _maxReportTtl = options.MaxReportTtl;
        _view = new FleetView(_root, options.MinimumReporters, options.MinimumReporterRatio, options.MaxReportTtl, _time.TimestampFrequency);
        _expiryTimer = _time.CreateTimer(_ => OnExpiryTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        _watching = Task.Run(() => PrefixWatcher.RunAsync(_client, _root, _time, OnSnapshot, OnWatchEvent, ReportError, _stop.Token));
        _notifying = Task.Run(NotifyLoopAsync);
        _reporting = Task.Run(ReportLoopAsync);
        _membership = options.MinimumReporterRatio > 0 ? Task.Run(() => MembershipLoopAsync(options.MembershipTtl)) : Task.CompletedTask;
    }

    /// <summary>The dependency, as configured.</summary>
    public string Dependency { get; }

    /// <summary>This instance's identity among the reporters.</summary>
    public string InstanceId { get; }

    /// <summary>The configured minimum of distinct reporters.</summary>
    public int MinimumReporters { get; }

    /// <summary>
    /// True while the fleet holds the circuit open: calls through attached pipelines are rejected with
    /// <see cref="SharedCircuitOpenException"/>. Read without a lock; false until the first read of the cluster.
    /// </summary>
    public bool IsOpen => TryGetOpen(out _);

    /// <summary>Completes once the reports have been read from the cluster for the first time (the view is current from then on).</summary>
    public Task Synchronized => _synchronized.Task;

    /// <summary>The instances that report the dependency down, in ordinal order (this instance included when it reports).</summary>
    public IReadOnlyList<string> Reporters
    {
        get
        {
            lock (_lock)
            {
                return _view.ReporterIds();
            }
        }
    }

    /// <summary>Reporters needed for the shared circuit to open, at the last evaluation.</summary>
    public int Threshold
    {
        get
        {
            lock (_lock)
            {
                return _view.Threshold;
            }
        }
    }

    /// <summary>Instances known at the last evaluation: registered members (only with a reporter ratio) and reporters.</summary>
    public int KnownInstances
    {
        get
        {
            lock (_lock)
            {
                return _view.KnownInstances;
            }
        }
    }

    /// <summary>Stops watching and reporting, and withdraws this instance's report and membership (best effort: a failure is left to the leases' expiry).</summary>
    /// <returns>A task that completes when the background work has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_watching, _notifying, _reporting, _membership).ConfigureAwait(false);
        await _expiryTimer.DisposeAsync().ConfigureAwait(false);
        await RevokeQuietlyAsync(_reportLeaseId, CancellationToken.None).ConfigureAwait(false);
        await RevokeQuietlyAsync(_memberLeaseId, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The call path: true while the fleet holds the circuit open, with the time until it would lapse on its own.</summary>
    internal bool TryGetOpen(out TimeSpan retryAfter)
    {
        var until = Volatile.Read(ref _openUntil);
        if (until != 0)
        {
            var now = _time.GetTimestamp();
            if (now < until)
            {
                retryAfter = _time.GetElapsedTime(now, until);
                return true;
            }
        }

        retryAfter = TimeSpan.Zero;
        return false;
    }

    /// <summary>Reporters and threshold at the last evaluation, for a rejection's message.</summary>
    internal (int Reporters, int Threshold) Counts()
    {
        lock (_lock)
        {
            return (_view.Reporters, _view.Threshold);
        }
    }

    internal void Attach(ISharedCircuitListener listener)
    {
        lock (_lock)
        {
            _listeners.Add(listener);
        }
    }

    private void ReportError(Exception error)
    {
        try
        {
            _onError?.Invoke(error);
        }
        catch (Exception)
        {
            // A faulty error callback must not stop the background work that called it.
        }
    }

    private async Task RevokeQuietlyAsync(long leaseId, CancellationToken cancellationToken)
    {
        if (leaseId == 0)
        {
            return;
        }

        try
        {
            await _client.RevokeLeaseAsync(leaseId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CairnException or ObjectDisposedException or OperationCanceledException)
        {
            // Left to the lease's expiry.
        }
    }
}
