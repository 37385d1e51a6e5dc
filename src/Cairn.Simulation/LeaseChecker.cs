using System.Text;
using Cairn.State;
using Cairn.State.Kv;

namespace Cairn.Simulation;

/// <summary>
/// A model of leases and committed time, run over the committed history and compared with what the state machine
/// did (docs/state-machine.md, "Time, leases and the failover guarantee"). Committed time advances only by a sweep
/// (<see cref="ExpireLeasesCommand"/>) of the promoted epoch, by that leader's clock progress since its promotion; a
/// grant or keep-alive starts its TTL at the leader clock it was stamped with, mapped the same way, when its epoch is
/// the promoted one (never before committed time), and at committed time otherwise; every promotion moves every
/// deadline one grace later. Checked at every entry:
/// <list type="bullet">
/// <item>Lease safety: a key on a lease is deleted by expiry only when the model says the lease's deadline has passed
/// in committed time — its TTL since its last grant or keep-alive, plus one grace per failover since.</item>
/// <item>Lease life in real time: a lease expires no earlier than its TTL after its client sent the grant or keep-alive
/// that last renewed it, in simulated time.</item>
/// <item>Expiry: once a sweep commits, every lease due by its committed time is gone, with all its keys, from the
/// model and from the machine.</item>
/// <item>Committed time, deadlines, remaining TTLs and the refusals of stale epochs and unknown leases are exactly the
/// model's.</item>
/// </list>
/// </summary>
internal sealed class LeaseChecker(Action<string> fail, int millisecondsPerTick)
{
    private readonly SortedDictionary<ulong, LeaseModel> _leases = [];
    private readonly Dictionary<string, ulong> _leaseOfKey = new(StringComparer.Ordinal);
    private ulong _committedMs;
    private ulong _epoch;
    private ulong _epochLeaderBaseMs;
    private ulong _epochCommittedBaseMs;

    /// <summary>Leases granted.</summary>
    public int Granted { get; private set; }

    /// <summary>Leases expired by a sweep.</summary>
    public int Expired { get; private set; }

    /// <summary>
    /// How much shorter than its TTL a lease may live in simulated real time: none. Every simulated clock runs at the
    /// rate of simulated time (<see cref="SimulatedNode.ClockOffsetMs"/>: only the offsets differ), so TTL milliseconds
    /// on the leaders' clocks are TTL milliseconds of simulated time. Were clocks to drift by up to a rate ρ, a lease
    /// could end TTL·ρ/(1+ρ) early in real time, and this is where that bound would go.
    /// </summary>
    private const long AllowedEarlyExpiryMs = 0;

    /// <summary>
    /// Over the expired leases, the least (real life − TTL) in milliseconds, where real life runs from the invocation
    /// of the last grant or keep-alive that renewed the lease to its expiry; null before any expiry. Negative would be
    /// a violation: a lease that lived less than its TTL as its client's clock measures it.
    /// </summary>
    public long? ShortestLifeMarginMs { get; private set; }

    /// <summary>Judges one committed entry (its first application anywhere), after <paramref name="machine"/> applied it.</summary>
    public void OnCommitted(long tick, ulong index, CommandEnvelope? envelope, ApplyResult result, PendingOperation? request, StateMachine machine)
    {
        switch (envelope?.System)
        {
            case PromoteLeaderCommand promote:
                OnPromote(index, promote, result.Response);
                return;
            case ExpireLeasesCommand sweep:
                OnSweep(tick, index, sweep, result, machine);
                return;
            default:
                break;
        }

        if (request is null || result.Duplicate)
        {
            ApplyEvents(result.Events);
            return;
        }

        OnRequest(index, request, result, envelope?.LeaderStamp);
    }

    private void OnPromote(ulong index, PromoteLeaderCommand promote, StateResponse response)
    {
        if (promote.LeaderEpoch <= _epoch)
        {
            ExpectStaleEpoch(index, promote, response);
            return;
        }

        if (response is not LeaderPromotedResponse promoted || promoted.LeaderEpoch != promote.LeaderEpoch || promoted.CommittedTimeMs != _committedMs)
        {
            fail($"leases: promotion to epoch {promote.LeaderEpoch} at index {index} answered {response}; the model expects committed time {_committedMs}");
            return;
        }

        (_epoch, _epochLeaderBaseMs, _epochCommittedBaseMs) = (promote.LeaderEpoch, promote.NowMs, _committedMs);
        foreach (var lease in _leases.Values)
        {
            lease.DeadlineMs += promote.GraceMs;
            lease.Promotions++;
        }
    }

    private void OnSweep(long tick, ulong index, ExpireLeasesCommand sweep, ApplyResult result, StateMachine machine)
    {
        if (sweep.LeaderEpoch != _epoch)
        {
            ExpectStaleEpoch(index, sweep, result.Response);
            return;
        }

        var progressMs = sweep.NowMs > _epochLeaderBaseMs ? sweep.NowMs - _epochLeaderBaseMs : 0;
        var committedMs = Math.Max(_committedMs, _epochCommittedBaseMs + progressMs);
        if (committedMs < _committedMs || result.Response is not TimeAdvancedResponse advanced || advanced.CommittedTimeMs != committedMs)
        {
            fail($"leases: sweep at index {index} answered {result.Response}; the model expects committed time {committedMs}");
            return;
        }

        _committedMs = committedMs;
        var due = _leases.Values.Where(l => l.DeadlineMs <= committedMs).OrderBy(l => (l.DeadlineMs, l.Id)).Take(KvLimits.MaxLeasesExpiredPerCommand).ToList();
        if (advanced.ExpiredLeases != (ulong)due.Count)
        {
            fail($"leases: sweep at index {index} (committed time {committedMs}) expired {advanced.ExpiredLeases} leases; the model says {due.Count} are due: {string.Join(", ", due.Select(l => l.Id))}");
        }

        var dueIds = due.Select(l => l.Id).ToHashSet();
        foreach (var change in result.Events)
        {
            var key = Encoding.UTF8.GetString(change.Kv.Key);
            if (change.Type != WatchEventType.Delete || !_leaseOfKey.TryGetValue(key, out var leaseId) || !dueIds.Contains(leaseId))
            {
                var owner = _leaseOfKey.TryGetValue(key, out var id) && _leases.TryGetValue(id, out var lease) ? Describe(lease) : "no live lease";
                fail($"lease safety: the sweep at index {index} (committed time {committedMs}) {change.Type.ToString().ToLowerInvariant()}d key \"{key}\" of {owner}");
            }
        }

        ApplyEvents(result.Events);
        foreach (var lease in due)
        {
            if (lease.Keys.Count > 0)
            {
                fail($"leases: {Describe(lease)} expired at index {index} (committed time {committedMs}) but kept its keys {string.Join(", ", lease.Keys)}");
            }

            var lifeMs = (tick - lease.RenewalInvokedTick) * millisecondsPerTick;
            var marginMs = lifeMs - (long)lease.TtlMs;
            ShortestLifeMarginMs = Math.Min(ShortestLifeMarginMs ?? long.MaxValue, marginMs);
            if (marginMs < -AllowedEarlyExpiryMs)
            {
                fail($"lease life: {Describe(lease)} expired at index {index} (committed time {committedMs}) {lifeMs} ms after its client sent the grant or keep-alive that last renewed it (at tick {lease.RenewalInvokedTick}), {-marginMs} ms short of its TTL");
            }

            _leases.Remove(lease.Id);
            Expired++;
        }

        if (!machine.Kv.LeaseIds.SequenceEqual(_leases.Keys))
        {
            fail($"leases: after the sweep at index {index} (committed time {committedMs}) the machine holds leases [{string.Join(", ", machine.Kv.LeaseIds)}]; the model holds [{string.Join(", ", _leases.Keys)}]");
        }
    }

    private void OnRequest(ulong index, PendingOperation request, ApplyResult result, (ulong LeaderEpoch, ulong NowMs)? stamp)
    {
        var known = _leases.TryGetValue(request.LeaseId, out var lease);
        var startMs = ProposedAtMs(stamp);
        switch (result.Response)
        {
            case LeaseGrantResponse granted:
                var deadline = startMs + request.TtlMs;
                if (granted.TtlMs != request.TtlMs || granted.ExpiresAtMs != deadline || _leases.ContainsKey(granted.LeaseId))
                {
                    fail($"leases: grant at index {index} answered {granted}; the model expects TTL {request.TtlMs} ms expiring at {deadline} (stamp {stamp}, committed time {_committedMs})");
                }

                _leases[granted.LeaseId] = new LeaseModel(granted.LeaseId, request.TtlMs) { DeadlineMs = deadline, RenewedAtMs = startMs, RenewalInvokedTick = request.Invoked };
                Granted++;
                break;
            case LeaseKeepAliveResponse kept when known:
                lease!.DeadlineMs = Math.Max(lease.DeadlineMs, startMs + lease.TtlMs);
                (lease.RenewedAtMs, lease.Promotions, lease.RenewalInvokedTick) = (startMs, 0, request.Invoked);
                if (kept.ExpiresAtMs != lease.DeadlineMs)
                {
                    fail($"leases: keep-alive at index {index} answered {kept}; the model says {Describe(lease)}");
                }

                break;
            case LeaseTimeToLiveResponse ttl when known:
                var remaining = lease!.DeadlineMs > _committedMs ? lease.DeadlineMs - _committedMs : 0;
                var keys = ttl.Keys.Select(k => Encoding.UTF8.GetString(k));
                if (ttl.RemainingTtlMs != remaining || ttl.GrantedTtlMs != lease.TtlMs || !keys.SequenceEqual(lease.Keys, StringComparer.Ordinal))
                {
                    fail($"leases: time-to-live at index {index} answered {ttl.RemainingTtlMs} ms left of {ttl.GrantedTtlMs} with keys [{string.Join(", ", keys)}]; the model says {remaining} ms and [{string.Join(", ", lease.Keys)}]");
                }

                break;
            case LeaseRevokeResponse when known:
                ApplyEvents(result.Events);
                if (lease!.Keys.Count > 0)
                {
                    fail($"leases: revoking {Describe(lease)} at index {index} left its keys {string.Join(", ", lease.Keys)}");
                }

                _leases.Remove(lease.Id);
                return;
            case LeaseKeepAliveResponse or LeaseTimeToLiveResponse or LeaseRevokeResponse:
                fail($"leases: {request.Kind} of lease {request.LeaseId} at index {index} succeeded, but the model has no such live lease");
                break;
            case ErrorResponse { Code: StateStatus.LeaseNotFound } when known:
                fail($"lease safety: {request.Kind} at index {index} (committed time {_committedMs}) was refused as lease not found, but the model says {Describe(lease!)}");
                break;
            default:
                break;
        }

        ApplyEvents(result.Events);
    }

    /// <summary>
    /// Where a grant or keep-alive starts its TTL, in committed time: its stamp mapped through the promoted epoch's
    /// bases when it carries that epoch (and never before committed time), committed time otherwise.
    /// </summary>
    private ulong ProposedAtMs((ulong LeaderEpoch, ulong NowMs)? stamp)
    {
        if (stamp is not { } s || s.LeaderEpoch != _epoch || s.LeaderEpoch == 0)
        {
            return _committedMs;
        }

        var progressMs = s.NowMs > _epochLeaderBaseMs ? s.NowMs - _epochLeaderBaseMs : 0;
        return Math.Max(_committedMs, _epochCommittedBaseMs + progressMs);
    }

    /// <summary>Follows which key is attached to which lease.</summary>
    private void ApplyEvents(IReadOnlyList<WatchEvent> events)
    {
        foreach (var change in events)
        {
            var key = Encoding.UTF8.GetString(change.Kv.Key);
            if (_leaseOfKey.Remove(key, out var previous) && _leases.TryGetValue(previous, out var old))
            {
                old.Keys.Remove(key);
            }

            if (change.Type != WatchEventType.Put || change.Kv.LeaseId == 0)
            {
                continue;
            }

            if (!_leases.TryGetValue(change.Kv.LeaseId, out var lease))
            {
                fail($"leases: key \"{key}\" was attached at revision {change.Revision} to lease {change.Kv.LeaseId}, which the model has no longer live");
                continue;
            }

            lease.Keys.Add(key);
            _leaseOfKey[key] = lease.Id;
        }
    }

    private void ExpectStaleEpoch(ulong index, StateCommand command, StateResponse response)
    {
        if (response is not ErrorResponse { Code: StateStatus.StaleLeaderEpoch })
        {
            fail($"leases: {command} at index {index} should be refused (the promoted epoch is {_epoch}) but was answered {response}");
        }
    }

    private static string Describe(LeaseModel lease) =>
        $"lease {lease.Id} (TTL {lease.TtlMs} ms, renewed from committed time {lease.RenewedAtMs}, {lease.Promotions} promotions since) which lives until {lease.DeadlineMs}";

    /// <summary>One live lease as the model sees it.</summary>
    private sealed class LeaseModel(ulong id, ulong ttlMs)
    {
        public ulong Id { get; } = id;

        public ulong TtlMs { get; } = ttlMs;

        /// <summary>The committed time it expires at: renewal start + TTL, plus one grace per promotion since.</summary>
        public ulong DeadlineMs { get; set; }

        /// <summary>Where its last grant or keep-alive started its TTL, in committed time.</summary>
        public ulong RenewedAtMs { get; set; }

        public int Promotions { get; set; }

        public long RenewalInvokedTick { get; set; }

        public SortedSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }
}
