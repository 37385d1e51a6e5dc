using Cairn.Client.Cluster;
using Cairn.Resilience.Cluster.Internal;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>
/// A semaphore of <see cref="PermitLimit"/> permits shared by every instance that uses the same name on a Cairn
/// cluster: at most that many permits are held at once across all of them.
/// </summary>
/// <remarks>
/// <para>
/// <b>Design (etcd-style).</b> Permit i is the key <c>{KeyPrefix}{Name}/slots/{i}</c>. Taking it is one transaction —
/// if the key is missing, put it on this instance's session lease — so two holders can never have the same slot, and
/// the revision of that transaction is the permit's <see cref="ClusterSemaphorePermit.FencingToken"/>. Releasing deletes
/// the key if it is still this permit's (compare on its modRevision). The session lease is kept alive while the
/// semaphore lives; when an instance crashes its lease expires after <see cref="ClusterSemaphoreOptions.LeaseTtl"/>
/// and its slots are deleted with it, so a crash blocks its permits for at most that long (plus the cluster's expiry
/// sweep, 100 ms, and a failover's grace).
/// </para>
/// <para>
/// <b>Waiting.</b> One watch on the slots prefix keeps a local view of the slots. Local waiters queue in process and only
/// the first of them contends in the cluster: it tries the slots the view shows free, and when none is free it waits
/// for the view to change (a release, an expiry) and tries again. So a release costs each instance at most one
/// transaction, however many callers wait. There is no cross-instance fairness.
/// </para>
/// <para>
/// <b>Cancellation.</b> A caller that cancels while its transaction is in flight returns at once; if the transaction
/// took a slot after all, the slot is released in the background (by its revision, or by its unique value when the
/// answer was lost), so cancellation never leaks a permit.
/// </para>
/// <para>Thread-safe. Dispose it to stop watching and to revoke the session lease, which frees every permit still held.</para>
/// </remarks>
public sealed partial class ClusterSemaphore : IAsyncDisposable
{
    private readonly CairnClient _client;
    private readonly TimeProvider _time;
    private readonly Action<Exception>? _onError;
    private readonly TimeSpan _leaseTtl;
    private readonly string _slotsPrefix;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _synchronized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _watching;

    // Guarded by _lock.
    private readonly SlotTable _slots;
    private readonly ClusterSemaphorePermit?[] _held;
    private readonly HashSet<Task> _background = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long _attempts;
    private int _disposed;

    /// <summary>Starts watching the slots at once; nothing is acquired until asked.</summary>
    /// <param name="client">The cluster client; it must outlive the semaphore (it is not disposed here).</param>
    /// <param name="options">The settings, validated and copied.</param>
    /// <exception cref="ArgumentException">A setting is out of range (see <see cref="ClusterSemaphoreOptions.Validate"/>).</exception>
    public ClusterSemaphore(CairnClient client, ClusterSemaphoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _time = options.TimeProvider ?? TimeProvider.System;
        _onError = options.OnError;
        _leaseTtl = options.LeaseTtl;
        Name = options.Name;
        PermitLimit = options.PermitLimit;
        HolderId = options.HolderId ?? ClusterNames.ProcessInstanceId;
        _slotsPrefix = $"{options.KeyPrefix}{Name}/slots/";
        _slots = new SlotTable(_slotsPrefix, PermitLimit);
        _held = new ClusterSemaphorePermit?[PermitLimit];
        _watching = Task.Run(() => PrefixWatcher.RunAsync(_client, _slotsPrefix, _time, OnSnapshot, OnWatchEvent, ReportError, _lifetime.Token));
    }

    /// <summary>The semaphore's name.</summary>
    public string Name { get; }

    /// <summary>The most permits held at once across all instances.</summary>
    public int PermitLimit { get; }

    /// <summary>This instance's name in the slot values.</summary>
    public string HolderId { get; }

    /// <summary>Completes once the slots have been read from the cluster for the first time.</summary>
    public Task Synchronized => _synchronized.Task;

    /// <summary>Permits this instance holds now (acquired, not yet released, not known lost).</summary>
    public int HeldCount
    {
        get
        {
            lock (_lock)
            {
                return _held.Count(p => p is not null);
            }
        }
    }

    /// <summary>Slots free in this instance's view of the cluster (a hint: the view lags the cluster slightly).</summary>
    public int AvailableCount
    {
        get
        {
            lock (_lock)
            {
                return _slots.IsSynchronized ? _slots.FreeCount : 0;
            }
        }
    }

    /// <summary>The session lease this instance's permits are attached to, or 0 before the first acquisition.</summary>
    public long SessionLeaseId => Volatile.Read(ref _session)?.LeaseId ?? 0;

    /// <summary>
    /// Stops watching, waits for background releases, then revokes the session lease, which frees every permit this
    /// instance still holds (they are marked lost). Best effort: a revocation that fails is left to the lease's expiry.
    /// </summary>
    /// <returns>A task that completes when all of that is done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        lock (_lock)
        {
            // Wakes waiters, which then find the semaphore disposed.
            Signal_NeedsLock();
        }

        await _watching.ConfigureAwait(false);
        Task[] background;
        lock (_lock)
        {
            background = [.. _background];
        }

        await Task.WhenAll(background).ConfigureAwait(false);
        await EndSessionAsync().ConfigureAwait(false);
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

    /// <summary>Runs background work (a release after a failure) that DisposeAsync waits for. The work must not throw.</summary>
    private void Track(Task work)
    {
        lock (_lock)
        {
            _background.Add(work);
        }

        _ = work.ContinueWith(
            static (done, state) =>
            {
                var self = (ClusterSemaphore)state!;
                lock (self._lock)
                {
                    self._background.Remove(done);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Wakes everyone waiting for the view to change.</summary>
    private void Signal_NeedsLock()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
