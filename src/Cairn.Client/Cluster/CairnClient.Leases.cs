using System.Globalization;

namespace Cairn.Client.Cluster;

/// <summary>Leases.</summary>
public sealed partial class CairnClient
{
    /// <summary>Grants a lease.</summary>
    /// <param name="ttl">Its time to live, rounded up to whole seconds; at least 1 s.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lease id and TTL.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is under 1 s.</exception>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.TooLarge"/> over the server's TTL limit; transient codes after the retries.</exception>
    public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromSeconds(1));
        var seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        return SendAsync(new ApiRequest(HttpMethod.Post, ApiJson.Invariant($"v1/lease/grant?ttl={seconds}")) { IsWrite = true },
            body => new LeaseGrant(ApiJson.Number(body, "id"), ApiJson.Seconds(body, "ttl")), cancellationToken);
    }

    /// <summary>Renews a lease once, for its full TTL from now. See <see cref="StartLeaseKeeper"/> to renew continuously.</summary>
    /// <param name="leaseId">The lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The TTL it was renewed for.</returns>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.LeaseNotFound"/> when it expired or was revoked; transient codes after the retries.</exception>
    public Task<TimeSpan> KeepAliveLeaseAsync(long leaseId, CancellationToken cancellationToken = default) =>
        SendAsync(new ApiRequest(HttpMethod.Post, LeasePath(leaseId) + "/keepalive") { IsWrite = true },
            body => ApiJson.Seconds(body, "ttl"), cancellationToken);

    /// <summary>Revokes a lease, deleting its keys in one revision.</summary>
    /// <param name="leaseId">The lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The revision and how many keys were deleted.</returns>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.LeaseNotFound"/> when it is gone (also possible when a retry
    /// follows a revoke whose answer was lost); transient codes after the retries.</exception>
    public Task<LeaseRevokeResult> RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) =>
        SendAsync(new ApiRequest(HttpMethod.Delete, LeasePath(leaseId)) { IsWrite = true },
            body => new LeaseRevokeResult(ApiJson.Number(body, "revision"), ApiJson.Number(body, "deletedKeys")), cancellationToken);

    /// <summary>Reads a lease's remaining time and keys (linearizable).</summary>
    /// <param name="leaseId">The lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Granted and remaining TTL and the attached keys.</returns>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.LeaseNotFound"/>; transient codes after the retries.</exception>
    public Task<LeaseTimeToLive> GetLeaseTimeToLiveAsync(long leaseId, CancellationToken cancellationToken = default) =>
        SendAsync(new ApiRequest(HttpMethod.Get, LeasePath(leaseId)),
            body => new LeaseTimeToLive(ApiJson.Number(body, "id"), ApiJson.Seconds(body, "grantedTtl"), ApiJson.Seconds(body, "remainingTtl"), ApiJson.Texts(body, "keys")),
            cancellationToken);

    /// <summary>
    /// Starts renewing a lease in the background: at once, then every third of its TTL, until the keeper is disposed or
    /// the lease is lost (see <see cref="LeaseKeeper.Lost"/>).
    /// </summary>
    /// <param name="leaseId">The lease, granted or renewed just before (the keeper counts its TTL from now).</param>
    /// <param name="ttl">The lease's TTL, at least 1 s.</param>
    /// <returns>The running keeper; dispose it to stop renewing (the lease then expires after its TTL unless revoked).</returns>
    public LeaseKeeper StartLeaseKeeper(long leaseId, TimeSpan ttl)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leaseId);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromSeconds(1));
        return new LeaseKeeper(this, leaseId, ttl, _time);
    }

    private static string LeasePath(long leaseId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leaseId);
        return "v1/lease/" + leaseId.ToString(CultureInfo.InvariantCulture);
    }
}
