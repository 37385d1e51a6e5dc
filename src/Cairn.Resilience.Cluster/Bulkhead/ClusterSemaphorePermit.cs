namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>
/// One permit of a <see cref="ClusterSemaphore"/>: slot <see cref="Slot"/> held since revision <see cref="FencingToken"/>.
/// Dispose it to give the permit back.
/// </summary>
/// <remarks>
/// <para>
/// <b>Fencing.</b> A holder can lose its permit without knowing at once (a long pause, a partition, a revoked lease)
/// while another instance takes the slot. Send <see cref="Slot"/> and <see cref="FencingToken"/> with each request to
/// the protected resource: tokens are cluster revisions, so each new holder of a slot has a larger token than every
/// earlier one, and a resource that remembers the largest token it has seen per slot can refuse a stale holder.
/// </para>
/// <para>
/// Thread-safe. <see cref="Lost"/> is cancelled when the permit is known lost (its session lease ended, or the slot
/// was deleted or taken by another holder); it may be read until the permit is disposed. Disposing more than once does
/// nothing; disposing never throws (a release that fails is retried in the background, and the lease bounds it).
/// </para>
/// </remarks>
public sealed class ClusterSemaphorePermit : IAsyncDisposable
{
    private readonly ClusterSemaphore _owner;
    private readonly CancellationTokenSource _lost;
    private int _released;

    internal ClusterSemaphorePermit(ClusterSemaphore owner, int slot, string key, long fencingToken, ClusterSession session)
    {
        _owner = owner;
        Slot = slot;
        Key = key;
        FencingToken = fencingToken;
        Session = session;
        _lost = CancellationTokenSource.CreateLinkedTokenSource(session.Lost);
        Lost = _lost.Token;
    }

    /// <summary>The semaphore's name.</summary>
    public string SemaphoreName => _owner.Name;

    /// <summary>The slot held, in [0, <see cref="ClusterSemaphore.PermitLimit"/>).</summary>
    public int Slot { get; }

    /// <summary>The slot's key in the cluster.</summary>
    public string Key { get; }

    /// <summary>The cluster revision at which the slot was taken: larger than every earlier holder's of any slot of the cluster.</summary>
    public long FencingToken { get; }

    /// <summary>The session lease the slot is attached to.</summary>
    public long LeaseId => Session.LeaseId;

    /// <summary>Cancelled when the permit is known lost; see the remarks.</summary>
    public CancellationToken Lost { get; }

    /// <summary>True once the permit is known lost.</summary>
    public bool IsLost => Lost.IsCancellationRequested;

    internal ClusterSession Session { get; }

    /// <summary>Gives the permit back: deletes the slot if this permit still holds it. Idempotent; never throws.</summary>
    /// <returns>A task that completes when the slot is deleted, or when the release has been handed to the background after a failure.</returns>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? _owner.ReleaseAsync(this) : ValueTask.CompletedTask;

    /// <summary>Marks the permit lost; callbacks run on the thread pool.</summary>
    internal void MarkLost()
    {
        try
        {
            if (!_lost.IsCancellationRequested)
            {
                _ = _lost.CancelAsync();
            }
        }
        catch (ObjectDisposedException)
        {
            // Released meanwhile: nothing is held any more.
        }
    }

    /// <summary>Drops the link to the session's token; after this <see cref="Lost"/> reads its last state.</summary>
    internal void DisposeToken() => _lost.Dispose();
}
