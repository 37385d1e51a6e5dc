namespace Cairn.State.Kv;

/// <summary>
/// Leases. Deadlines are in committed time, which only <see cref="ExpireLeasesCommand"/> advances. A grant or keep-alive
/// starts its TTL at the moment it was proposed — the proposing leader's clock mapped to committed time
/// (<see cref="ApplyContext.ProposedAtMs"/>) — not at the committed time of its apply, which trails that clock by
/// everything since the last sweep committed (without bound while the leader stalls). So a lease lives at least its TTL
/// on the leaders' clocks from the moment its client's request reached the leader.
/// </summary>
public sealed partial class KvModule
{
    private readonly SortedDictionary<ulong, Lease> _leases = [];

    // Invariant: one entry per lease, (DeadlineMs, Id), so the first entry is the next lease to expire.
    private readonly SortedSet<(ulong DeadlineMs, ulong Id)> _expiry = [];

    private StateResponse ApplyGrant(LeaseGrantCommand grant, ApplyContext context)
    {
        if (grant.TtlMs == 0)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, "ttlMs is 0; a lease lives at least 1 ms");
        }
        if (grant.TtlMs > KvLimits.MaxLeaseTtlMs)
        {
            return new ErrorResponse(StateStatus.TooLarge, $"ttlMs is {grant.TtlMs}; the limit is {KvLimits.MaxLeaseTtlMs}");
        }
        var id = grant.LeaseId == 0 ? context.Index : grant.LeaseId;
        if (_leases.ContainsKey(id))
        {
            return new ErrorResponse(StateStatus.LeaseExists, $"leaseId {id} is already granted");
        }
        var lease = new Lease(id, grant.TtlMs, SaturatingAdd(context.ProposedAtMs(grant.LeaderEpoch, grant.NowMs), grant.TtlMs));
        _leases.Add(id, lease);
        _expiry.Add((lease.DeadlineMs, id));
        return new LeaseGrantResponse(id, lease.TtlMs, lease.DeadlineMs);
    }

    private StateResponse ApplyRevoke(LeaseRevokeCommand revoke, ApplyContext context)
    {
        if (!_leases.TryGetValue(revoke.LeaseId, out var lease))
        {
            return NotFound(revoke.LeaseId);
        }
        var deleted = Revoke(lease, context);
        return new LeaseRevokeResponse(context.Revision, deleted);
    }

    private StateResponse ApplyKeepAlive(LeaseKeepAliveCommand keepAlive, ApplyContext context)
    {
        if (!_leases.TryGetValue(keepAlive.LeaseId, out var lease))
        {
            return NotFound(keepAlive.LeaseId);
        }
        _expiry.Remove((lease.DeadlineMs, lease.Id));
        lease.DeadlineMs = Math.Max(lease.DeadlineMs, SaturatingAdd(context.ProposedAtMs(keepAlive.LeaderEpoch, keepAlive.NowMs), lease.TtlMs));
        _expiry.Add((lease.DeadlineMs, lease.Id));
        return new LeaseKeepAliveResponse(lease.Id, lease.TtlMs, lease.DeadlineMs);
    }

    private StateResponse ApplyTimeToLive(LeaseTimeToLiveCommand ttl, ApplyContext context)
    {
        if (!_leases.TryGetValue(ttl.LeaseId, out var lease))
        {
            return NotFound(ttl.LeaseId);
        }
        var remaining = lease.DeadlineMs > context.CommittedTimeMs ? lease.DeadlineMs - context.CommittedTimeMs : 0;
        return new LeaseTimeToLiveResponse(lease.Id, lease.TtlMs, remaining, ttl.Keys ? [.. lease.Keys] : []);
    }

    // A stamp far ahead (a hostile or corrupt command) gives a lease that never expires rather than one whose deadline
    // wraps into the past; it can still be revoked.
    private static ulong SaturatingAdd(ulong startMs, ulong ttlMs) => startMs > ulong.MaxValue - ttlMs ? ulong.MaxValue : startMs + ttlMs;

    private static ErrorResponse NotFound(ulong leaseId) => new(StateStatus.LeaseNotFound, $"leaseId {leaseId} is not a live lease");

    /// <summary>Removes the lease and deletes its keys in key order under one new revision (none if it had no keys).</summary>
    private ulong Revoke(Lease lease, ApplyContext context)
    {
        var victims = lease.Keys.Select(k => _data[k]).ToArray();
        if (victims.Length > 0)
        {
            // Deleting detaches each key from the lease, so the lease goes after its keys.
            DeleteKeys(victims, context.AllocateRevision(), context);
        }
        _leases.Remove(lease.Id);
        _expiry.Remove((lease.DeadlineMs, lease.Id));
        return (ulong)victims.Length;
    }

    /// <inheritdoc/>
    public ulong OnTimeAdvanced(ApplyContext context, out bool more)
    {
        ArgumentNullException.ThrowIfNull(context);
        var expired = 0UL;
        while (_expiry.Count > 0 && _expiry.Min.DeadlineMs <= context.CommittedTimeMs && expired < KvLimits.MaxLeasesExpiredPerCommand)
        {
            Revoke(_leases[_expiry.Min.Id], context);
            expired++;
        }
        more = _expiry.Count > 0 && _expiry.Min.DeadlineMs <= context.CommittedTimeMs;
        TrimHistory();
        return expired;
    }

    /// <inheritdoc/>
    public void OnLeaderPromoted(ulong graceMs)
    {
        _expiry.Clear();
        foreach (var lease in _leases.Values)
        {
            lease.DeadlineMs += graceMs;
            _expiry.Add((lease.DeadlineMs, lease.Id));
        }
    }

    private void Detach(KeyValue? kv)
    {
        if (kv is { LeaseId: not 0 })
        {
            _leases[kv.LeaseId].Keys.Remove(kv.Key);
        }
    }

    private void Attach(KeyValue kv)
    {
        if (kv.LeaseId != 0)
        {
            _leases[kv.LeaseId].Keys.Add(kv.Key);
        }
    }
}
