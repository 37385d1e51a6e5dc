using System.Text;
using Cairn.State;
using Cairn.State.Kv;

namespace Cairn.Simulation.Tests;

/// <summary>
/// The simulator's state-machine checkers on hand-made committed histories: the real state machine applies real
/// commands and passes; a forged result — a lease expired early, a write applied twice, a retry answered differently —
/// is reported, and so is a lease that ends before its TTL has passed in simulated time since its client sent it.
/// </summary>
public sealed class StateCheckerTests
{
    private const ulong GraceMs = 100;
    private static readonly byte[] _key = Encoding.UTF8.GetBytes("l1.1");

    [Fact]
    public void A_lease_lives_its_TTL_plus_a_grace_per_failover_and_then_expires_with_its_keys()
    {
        // Tick 0 is the first leader's clock at 1,000 ms, so committed time 200 is tick 20.
        var history = new CommittedHistory { Tick = 20 };
        var leaseId = history.GrantLeaseWithKey(ttlMs: 300);
        history.Apply(new LeaseKeepAliveCommand(leaseId), history.Request(ClientRequestKind.LeaseKeepAlive, leaseId));
        history.Apply(new PromoteLeaderCommand(2, 50_000, GraceMs));

        // Renewed at committed time 200, so due at 500, plus the grace of the second promotion: 600.
        history.Apply(new ExpireLeasesCommand(2, 50_350));
        Assert.NotNull(history.Machine.Kv.Get(_key));
        history.Tick = 60;
        history.Apply(new ExpireLeasesCommand(2, 50_400));
        Assert.Null(history.Machine.Kv.Get(_key));

        Assert.Empty(history.Violations);
        Assert.Equal(1, history.Leases.Expired);
        Assert.Equal(100L, history.Leases.ShortestLifeMarginMs);
    }

    /// <summary>
    /// The leader stalls: its last sweep committed 200 ms, yet its clock reads 800 ms when the client's grant reaches
    /// it. Stamped with that clock, the lease runs its 300 ms from 800; the model agrees, and it expires on time.
    /// </summary>
    [Fact]
    public void A_grant_stamped_with_the_leader_clock_during_a_stall_lives_its_TTL_from_that_clock()
    {
        var history = new CommittedHistory { Tick = 80 };
        var grant = (LeaseGrantResponse)history.Apply(new LeaseGrantCommand(0, 300, LeaderEpoch: 1, NowMs: 1_800), history.Request(ClientRequestKind.LeaseGrant, 0, 300)).Response;
        Assert.Equal(1_100UL, grant.ExpiresAtMs);

        history.Tick = 109;
        history.Apply(new ExpireLeasesCommand(1, 2_090));
        Assert.Contains(grant.LeaseId, history.Machine.Kv.LeaseIds);
        history.Tick = 110;
        history.Apply(new ExpireLeasesCommand(1, 2_100));
        Assert.DoesNotContain(grant.LeaseId, history.Machine.Kv.LeaseIds);

        Assert.Empty(history.Violations);
        Assert.Equal(0L, history.Leases.ShortestLifeMarginMs);
    }

    /// <summary>The flaw the stamp fixes, replayed: the same grant without the stamp takes its deadline from the stale
    /// committed time, and expires 50 ms after the client sent it — a lease-life violation, though committed time agrees.</summary>
    [Fact]
    public void A_lease_that_expires_before_its_TTL_has_passed_since_its_client_sent_it_is_a_lease_life_violation()
    {
        var history = new CommittedHistory { Tick = 80 };
        var grant = (LeaseGrantResponse)history.Apply(new LeaseGrantCommand(0, 300), history.Request(ClientRequestKind.LeaseGrant, 0, 300)).Response;
        Assert.Equal(500UL, grant.ExpiresAtMs);

        history.Tick = 85;
        history.Apply(new ExpireLeasesCommand(1, 1_850));

        var violation = Assert.Single(history.Violations);
        Assert.StartsWith($"lease life: lease {grant.LeaseId} (TTL 300 ms", violation, StringComparison.Ordinal);
        Assert.Contains("50 ms after its client sent", violation, StringComparison.Ordinal);
        Assert.Contains("250 ms short of its TTL", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_deleted_by_a_sweep_before_its_lease_is_due_is_a_lease_safety_violation()
    {
        var history = new CommittedHistory();
        var leaseId = history.GrantLeaseWithKey(ttlMs: 300);
        var kv = history.Machine.Kv.Get(_key)!;
        var early = new WatchEvent(WatchEventType.Delete, kv with { Value = [], CreateRevision = 0, Version = 0, ModRevision = kv.ModRevision + 1, LeaseId = 0 }, kv);

        // Committed time 350: the lease, granted at 200, is due at 500.
        history.Forge(new ExpireLeasesCommand(1, 1_350), new TimeAdvancedResponse(350, 1, 0, false), [early]);

        Assert.Contains(history.Violations, v => v.StartsWith("lease safety", StringComparison.Ordinal) && v.Contains($"lease {leaseId}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_lease_refused_as_not_found_while_the_model_has_it_live_is_reported()
    {
        var history = new CommittedHistory();
        var leaseId = history.GrantLeaseWithKey(ttlMs: 300);

        history.Forge(new LeaseKeepAliveCommand(leaseId), new ErrorResponse(StateStatus.LeaseNotFound, "gone"), [], history.Request(ClientRequestKind.LeaseKeepAlive, leaseId));

        Assert.Contains(history.Violations, v => v.Contains("refused as lease not found", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sweep_that_leaves_a_due_lease_alive_is_reported()
    {
        var history = new CommittedHistory();
        history.GrantLeaseWithKey(ttlMs: 300);

        history.Forge(new ExpireLeasesCommand(1, 1_600), new TimeAdvancedResponse(600, 0, 0, false), []);

        Assert.Contains(history.Violations, v => v.Contains("the model says 1 are due", StringComparison.Ordinal));
    }

    [Fact]
    public void A_retry_is_answered_from_the_session_as_a_duplicate_and_passes()
    {
        var history = new CommittedHistory();
        var put = new KvPutCommand(Encoding.UTF8.GetBytes("a"), Encoding.UTF8.GetBytes("v1"));
        history.Apply(put, history.Request(ClientRequestKind.Put, 0));
        var retry = history.Apply(put, history.Request(ClientRequestKind.Put, 0, sequence: history.Sequence));

        Assert.True(retry.Duplicate);
        Assert.Empty(history.Violations);
        Assert.Equal(1, history.ExactlyOnce.Duplicates);
    }

    [Fact]
    public void A_write_applied_twice_or_a_retry_answered_differently_is_reported()
    {
        var history = new CommittedHistory();
        var put = new KvPutCommand(Encoding.UTF8.GetBytes("a"), Encoding.UTF8.GetBytes("v1"));
        var request = history.Request(ClientRequestKind.Put, 0);
        var first = history.Apply(put, request);

        history.Forge(put, first.Response, first.Events, request);
        history.Forge(put, new KvTxnResponse(99, true, []), [], request, duplicate: true);

        Assert.Contains(history.Violations, v => v.Contains($"sequence {request.Sequence} applied twice", StringComparison.Ordinal));
        Assert.Contains(history.Violations, v => v.Contains("value \"v1\" written at index", StringComparison.Ordinal));
        Assert.Contains(history.Violations, v => v.Contains("got a result other than the original's", StringComparison.Ordinal));
    }

    /// <summary>A committed history built by hand: the real state machine applies each command and the checkers judge it.</summary>
    private sealed class CommittedHistory
    {
        private ulong _index;

        public CommittedHistory()
        {
            ExactlyOnce = new ExactlyOnceChecker(Violations.Add);
            Leases = new LeaseChecker(Violations.Add, 10);
            Apply(new PromoteLeaderCommand(1, 1_000, GraceMs));
            SessionId = ((SessionRegisteredResponse)Apply(new RegisterSessionCommand()).Response).SessionId;
            Apply(new ExpireLeasesCommand(1, 1_200));
        }

        public List<string> Violations { get; } = [];

        public StateMachine Machine { get; } = new();

        public ExactlyOnceChecker ExactlyOnce { get; }

        public LeaseChecker Leases { get; }

        public ulong SessionId { get; }

        public ulong Sequence { get; private set; }

        /// <summary>The simulated tick now (10 ms each): requests are invoked, and entries committed, at it.</summary>
        public long Tick { get; set; }

        /// <summary>A client request in the session; a new sequence number unless one is given.</summary>
        public PendingOperation Request(ClientRequestKind kind, ulong leaseId, ulong ttlMs = 0, ulong? sequence = null)
        {
            Sequence = sequence ?? Sequence + 1;
            return new PendingOperation(0, kind, "", null, null, 0, SessionId, Sequence, leaseId, ttlMs, Tick, null);
        }

        /// <summary>Grants a lease at committed time 200 and puts <see cref="_key"/> on it.</summary>
        public ulong GrantLeaseWithKey(ulong ttlMs)
        {
            var grant = (LeaseGrantResponse)Apply(new LeaseGrantCommand(0, ttlMs), Request(ClientRequestKind.LeaseGrant, 0, ttlMs)).Response;
            Apply(new KvPutCommand(_key, Encoding.UTF8.GetBytes("l1"), grant.LeaseId), Request(ClientRequestKind.PutOnLease, grant.LeaseId));
            return grant.LeaseId;
        }

        public ApplyResult Apply(StateCommand command, PendingOperation? request = null)
        {
            var bytes = StateCodec.EncodeCommand(command, request?.SessionId ?? 0, request?.Sequence ?? 0);
            var result = Machine.Apply(++_index, bytes);
            Judge(bytes, result, request);
            return result;
        }

        /// <summary>Shows the checkers a result the machine did not produce, as a buggy machine would.</summary>
        public void Forge(StateCommand command, StateResponse response, IReadOnlyList<WatchEvent> events, PendingOperation? request = null, bool duplicate = false)
        {
            var bytes = StateCodec.EncodeCommand(command, request?.SessionId ?? 0, request?.Sequence ?? 0);
            Judge(bytes, new ApplyResult(++_index, response, events, Machine.Revision, 0, duplicate), request);
        }

        private void Judge(byte[] bytes, ApplyResult result, PendingOperation? request)
        {
            var envelope = CommandEnvelope.TryRead(bytes);
            ExactlyOnce.OnCommitted(result.Index, envelope, result);
            Leases.OnCommitted(Tick, result.Index, envelope, result, request, Machine);
        }
    }
}
