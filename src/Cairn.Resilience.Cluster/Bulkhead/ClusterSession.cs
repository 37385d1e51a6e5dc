using Cairn.Client.Cluster;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>
/// A semaphore's session: one lease, kept alive, that all the instance's permits are attached to (etcd's
/// <c>concurrency.Session</c>). When it is lost — revoked, expired, or not renewed for a whole TTL — every permit on it
/// is lost, and the next acquisition starts a new session.
/// </summary>
/// <remarks>Thread-safe. <see cref="Lost"/> stays readable after dispose.</remarks>
internal sealed class ClusterSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenRegistration _keeperLost;

    public ClusterSession(long leaseId, LeaseKeeper keeper)
    {
        LeaseId = leaseId;
        Keeper = keeper;
        Lost = _lost.Token;
        _keeperLost = keeper.Lost.UnsafeRegister(static state => ((ClusterSession)state!).MarkLost(), this);
    }

    public long LeaseId { get; }

    public LeaseKeeper Keeper { get; }

    public CancellationToken Lost { get; }

    public bool IsLost => Lost.IsCancellationRequested;

    /// <summary>Marks the session (and its permits) lost; callbacks run on the thread pool, never on the caller's thread.</summary>
    public void MarkLost()
    {
        if (!_lost.IsCancellationRequested)
        {
            _ = _lost.CancelAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _keeperLost.DisposeAsync().ConfigureAwait(false);
        await Keeper.DisposeAsync().ConfigureAwait(false);
    }
}
