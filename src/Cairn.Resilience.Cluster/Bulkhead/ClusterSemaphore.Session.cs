using Cairn.Client.Cluster;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>The session lease that this instance's permits hang on.</summary>
public sealed partial class ClusterSemaphore
{
    private readonly SemaphoreSlim _sessionLock = new(1, 1);

    // The live session, or null (none yet, or ended). Replaced under _sessionLock; read without it.
    private ClusterSession? _session;

    /// <summary>The live session, starting a new one (grant, then keep alive) when there is none or it was lost.</summary>
    private async Task<ClusterSession> GetSessionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _session) is { IsLost: false } live)
        {
            return live;
        }

        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        await _sessionLock.WaitAsync(call.Token).ConfigureAwait(false);
        try
        {
            var session = _session;
            if (session is { IsLost: false })
            {
                return session;
            }

            if (session is not null)
            {
                Track(session.DisposeAsync().AsTask());
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var lease = await _client.GrantLeaseAsync(_leaseTtl, call.Token).ConfigureAwait(false);
            session = new ClusterSession(lease.Id, _client.StartLeaseKeeper(lease.Id, lease.Ttl));
            Volatile.Write(ref _session, session);
            return session;
        }
        finally
        {
            _sessionLock.Release();
        }
    }

    /// <summary>On dispose: stops the keeper and revokes the lease, deleting every slot still held.</summary>
    private async Task EndSessionAsync()
    {
        // No session can start after this: GetSessionAsync checks _disposed under the same lock.
        await _sessionLock.WaitAsync().ConfigureAwait(false);
        var session = _session;
        _session = null;
        _sessionLock.Release();
        if (session is null)
        {
            return;
        }

        session.MarkLost();
        await session.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _client.RevokeLeaseAsync(session.LeaseId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CairnException or ObjectDisposedException or OperationCanceledException)
        {
            // Left to the lease's expiry.
        }
    }
}
