using Cairn.State.Kv;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>Leases: deterministic ids, keys deleted with their lease, expiry only through a committed
/// <see cref="ExpireLeasesCommand"/>, the grace a new leader grants so that a failover never expires a lease early, and
/// deadlines that start from the proposing leader's clock rather than from a committed time left stale by a stall.</summary>
public sealed class LeaseTests
{
    [Fact]
    public void A_lease_id_is_the_requested_one_or_the_log_index()
    {
        var h = new Harness();
        h.Put("x", "y");
        Assert.Equal(2UL, h.Grant(1000));
        Assert.Equal(77UL, h.Grant(1000, id: 77));
        Assert.Equal("leaseId 77 is already granted", h.Error(new LeaseGrantCommand(77, 5), StateStatus.LeaseExists).Message);
    }

    [Fact]
    public void Revoke_deletes_every_attached_key_under_one_revision()
    {
        var h = new Harness();
        var lease = h.Grant(1000);
        h.Put("a", "1", lease);
        h.Put("b", "1", lease);
        h.Put("c", "1");
        var result = h.Apply(new LeaseRevokeCommand(lease));
        var revoke = Assert.IsType<LeaseRevokeResponse>(result.Response);
        Assert.Equal(2UL, revoke.DeletedKeys);
        Assert.Equal(5UL, revoke.Revision);
        Assert.Equal(["c"], h.Keys());
        Assert.All(result.Events, e => Assert.Equal((WatchEventType.Delete, 5UL), (e.Type, e.Revision)));
        Assert.Equal(["a", "b"], result.Events.Select(e => S(e.Kv.Key)));
        Assert.Empty(h.Machine.Kv.LeaseIds);
    }

    [Fact]
    public void A_put_without_the_lease_detaches_the_key()
    {
        var h = new Harness();
        var lease = h.Grant(1000);
        h.Put("a", "1", lease);
        h.Put("a", "2");
        h.Ok<LeaseRevokeResponse>(new LeaseRevokeCommand(lease));
        Assert.Equal("2", S(h.Get("a")!.Value));
    }

    [Fact]
    public void Leases_expire_only_through_a_committed_expire_command()
    {
        var h = new Harness();
        var lease = h.Grant(1000);
        h.Put("session/1", "alive", lease);
        for (var i = 0; i < 50; i++)
        {
            h.Put("other", $"{i}");
        }
        Assert.NotNull(h.Get("session/1"));
        Assert.Equal(0UL, h.Tick(999).ExpiredLeases);
        Assert.NotNull(h.Get("session/1"));
        var revision = h.Machine.Revision;
        var expired = h.Tick(1000);
        Assert.Equal((1UL, false, 1000UL), (expired.ExpiredLeases, expired.More, expired.CommittedTimeMs));
        Assert.Null(h.Get("session/1"));
        Assert.Equal(revision + 1, h.Machine.Revision);
        Assert.Equal(StateStatus.LeaseNotFound, h.Apply(new LeaseKeepAliveCommand(lease)).Response.Status);
    }

    [Fact]
    public void Keep_alive_and_time_to_live_are_measured_in_committed_time()
    {
        var h = new Harness();
        var lease = h.Grant(1000);
        h.Put("k", "v", lease);
        h.Tick(600);
        var ttl = h.Ok<LeaseTimeToLiveResponse>(new LeaseTimeToLiveCommand(lease, Keys: true));
        Assert.Equal((1000UL, 400UL), (ttl.GrantedTtlMs, ttl.RemainingTtlMs));
        Assert.Equal(["k"], ttl.Keys.Select(S));
        Assert.Equal(1600UL, h.Ok<LeaseKeepAliveResponse>(new LeaseKeepAliveCommand(lease)).ExpiresAtMs);
        Assert.Equal(0UL, h.Tick(1500).ExpiredLeases);
        Assert.Equal(1UL, h.Tick(1600).ExpiredLeases);
    }

    [Fact]
    public void Committed_time_never_goes_back()
    {
        var h = new Harness();
        h.Tick(5000);
        Assert.Equal(5000UL, h.Tick(10).CommittedTimeMs);
    }

    /// <summary>A new leader's clock is unrelated to the old one's: committed time continues from where it was, driven by
    /// the new leader's progress since its promotion, and every lease gets the grace on top.</summary>
    [Fact]
    public void A_new_leader_extends_every_lease_by_the_grace_and_its_clock_continues_committed_time()
    {
        var h = new Harness();
        var lease = h.Grant(1000);
        h.Put("k", "v", lease);
        h.Tick(500, epoch: 0);
        var promoted = h.Ok<LeaderPromotedResponse>(new PromoteLeaderCommand(LeaderEpoch: 7, NowMs: 9_000_000, GraceMs: 300));
        Assert.Equal((7UL, 500UL), (promoted.LeaderEpoch, promoted.CommittedTimeMs));
        var at = h.Tick(9_000_000 + 799, epoch: 7);
        Assert.Equal((1299UL, 0UL), (at.CommittedTimeMs, at.ExpiredLeases));
        Assert.NotNull(h.Get("k"));
        Assert.Equal(1UL, h.Tick(9_000_000 + 800, epoch: 7).ExpiredLeases);
        Assert.Null(h.Get("k"));
    }

    [Fact]
    public void A_deposed_leaders_late_time_commands_are_refused()
    {
        var h = new Harness();
        var lease = h.Grant(1000);
        h.Ok<LeaderPromotedResponse>(new PromoteLeaderCommand(3, 0, 100));
        // The old leader's clock read far ahead; its late command must not expire anything.
        var error = h.Error(new ExpireLeasesCommand(0, 1_000_000), StateStatus.StaleLeaderEpoch);
        Assert.Equal("leaderEpoch 0 is not the promoted epoch 3", error.Message);
        Assert.Contains(lease, h.Machine.Kv.LeaseIds);
        Assert.Equal(StateStatus.StaleLeaderEpoch, h.Apply(new PromoteLeaderCommand(3, 0, 100)).Response.Status);
        Assert.Equal(StateStatus.StaleLeaderEpoch, h.Apply(new PromoteLeaderCommand(2, 0, 100)).Response.Status);
        Assert.Equal(StateStatus.InvalidArgument, h.Apply(new PromoteLeaderCommand(4, 0, PromoteLeaderCommand.MaxGraceMs + 1)).Response.Status);
        Assert.Equal(0UL, h.Machine.CommittedTimeMs);
    }

    [Fact]
    public void One_expire_command_revokes_a_bounded_number_of_leases_and_says_more()
    {
        var h = new Harness();
        for (var i = 0; i < KvLimits.MaxLeasesExpiredPerCommand + 5; i++)
        {
            h.Grant(10);
        }
        var first = h.Tick(10);
        Assert.Equal(((ulong)KvLimits.MaxLeasesExpiredPerCommand, true), (first.ExpiredLeases, first.More));
        var second = h.Tick(10);
        Assert.Equal((5UL, false), (second.ExpiredLeases, second.More));
    }

    [Fact]
    public void Leases_expire_in_deadline_then_id_order_each_under_its_own_revision()
    {
        var h = new Harness();
        var late = h.Grant(200, id: 1);
        var early = h.Grant(100, id: 2);
        h.Put("late", "x", late);
        h.Put("early", "x", early);
        var result = h.Apply(new ExpireLeasesCommand(0, 500));
        Assert.Equal(["early", "late"], result.Events.Select(e => S(e.Kv.Key)));
        Assert.Equal([4UL, 5UL], result.Events.Select(e => e.Revision));
    }
    /// <summary>The leader stalled 800 ms after its last sweep: committed time says 100, its clock says 900. A grant it
    /// proposed then starts at 900, so the lease gets its whole TTL from the moment the request reached the leader.</summary>
    [Fact]
    public void A_grant_stamped_with_the_leader_clock_starts_from_that_clock_not_from_stale_committed_time()
    {
        var h = Promoted(epoch: 5, leaderBaseMs: 10_000);
        h.Tick(10_100, epoch: 5);
        var grant = h.Ok<LeaseGrantResponse>(new LeaseGrantCommand(0, 1000, LeaderEpoch: 5, NowMs: 10_900));
        Assert.Equal(1900UL, grant.ExpiresAtMs);
        Assert.Equal(100UL, h.Machine.CommittedTimeMs);
        h.Put("k", "v", grant.LeaseId);
        var before = h.Tick(11_899, epoch: 5);
        Assert.Equal((1899UL, 0UL), (before.CommittedTimeMs, before.ExpiredLeases));
        Assert.NotNull(h.Get("k"));
        Assert.Equal(1UL, h.Tick(11_900, epoch: 5).ExpiredLeases);
        Assert.Null(h.Get("k"));
    }

    [Fact]
    public void A_leader_clock_behind_committed_time_never_starts_a_lease_in_the_past()
    {
        var h = Promoted(epoch: 5, leaderBaseMs: 10_000);
        h.Tick(10_500, epoch: 5);
        Assert.Equal(1500UL, h.Ok<LeaseGrantResponse>(new LeaseGrantCommand(0, 1000, 5, 10_200)).ExpiresAtMs);
        Assert.Equal(1500UL, h.Ok<LeaseGrantResponse>(new LeaseGrantCommand(0, 1000, 5, 3)).ExpiresAtMs);
    }

    /// <summary>A stamp from another epoch was read on another clock (or not at all): it is ignored, and the lease starts
    /// at the committed time, as before leaders stamped their clock.</summary>
    [Theory]
    [InlineData(4UL)]
    [InlineData(6UL)]
    [InlineData(0UL)]
    public void A_grant_stamped_with_another_epoch_starts_from_committed_time(ulong epoch)
    {
        var h = Promoted(epoch: 5, leaderBaseMs: 10_000);
        h.Tick(10_100, epoch: 5);
        Assert.Equal(1100UL, h.Ok<LeaseGrantResponse>(new LeaseGrantCommand(0, 1000, epoch, 99_999_999)).ExpiresAtMs);
        Assert.Equal(100UL, h.Machine.CommittedTimeMs);
    }

    [Fact]
    public void Before_any_promotion_a_stamp_is_ignored()
    {
        var h = new Harness();
        h.Tick(100);
        Assert.Equal(1100UL, h.Ok<LeaseGrantResponse>(new LeaseGrantCommand(0, 1000, 0, 5_000)).ExpiresAtMs);
    }

    [Fact]
    public void A_keep_alive_stamped_with_the_leader_clock_renews_from_that_clock()
    {
        var h = Promoted(epoch: 5, leaderBaseMs: 10_000);
        var lease = h.Ok<LeaseGrantResponse>(new LeaseGrantCommand(0, 1000, 5, 10_000)).LeaseId;
        h.Tick(10_600, epoch: 5);
        var kept = h.Ok<LeaseKeepAliveResponse>(new LeaseKeepAliveCommand(lease, LeaderEpoch: 5, NowMs: 10_950));
        Assert.Equal((lease, 1000UL, 1950UL), (kept.LeaseId, kept.TtlMs, kept.ExpiresAtMs));
        Assert.Equal(600UL, h.Machine.CommittedTimeMs);
        Assert.Equal(0UL, h.Tick(11_949, epoch: 5).ExpiredLeases);
        Assert.Equal(1UL, h.Tick(11_950, epoch: 5).ExpiredLeases);
    }

    [Fact]
    public void A_keep_alive_stamped_with_another_epoch_renews_from_committed_time_and_never_shortens_a_lease()
    {
        var h = Promoted(epoch: 5, leaderBaseMs: 10_000);
        var lease = h.Ok<LeaseGrantResponse>(new LeaseGrantCommand(0, 1000, 5, 10_000)).LeaseId;
        h.Tick(10_600, epoch: 5);
        Assert.Equal(1600UL, h.Ok<LeaseKeepAliveResponse>(new LeaseKeepAliveCommand(lease, 4, 99_999_999)).ExpiresAtMs);
        Assert.Equal(2500UL, h.Ok<LeaseKeepAliveResponse>(new LeaseKeepAliveCommand(lease, 5, 11_500)).ExpiresAtMs);
        // A keep-alive whose clock reads earlier than the last one's keeps the later deadline.
        Assert.Equal(2500UL, h.Ok<LeaseKeepAliveResponse>(new LeaseKeepAliveCommand(lease, 5, 10_700)).ExpiresAtMs);
        Assert.Equal(2500UL, h.Ok<LeaseKeepAliveResponse>(new LeaseKeepAliveCommand(lease, 0, 0)).ExpiresAtMs);
    }

    /// <summary>A stamp is relative to its own epoch's promotion; after a failover the new leader's promotion moves the
    /// lease one grace later, as for any lease.</summary>
    [Fact]
    public void A_stamped_lease_gets_the_grace_of_a_later_promotion()
    {
        var h = Promoted(epoch: 5, leaderBaseMs: 10_000);
        var lease = h.Ok<LeaseGrantResponse>(new LeaseGrantCommand(0, 1000, 5, 10_400)).LeaseId;
        h.Ok<LeaderPromotedResponse>(new PromoteLeaderCommand(LeaderEpoch: 6, NowMs: 50, GraceMs: 300));
        var ttl = h.Ok<LeaseTimeToLiveResponse>(new LeaseTimeToLiveCommand(lease, Keys: false));
        Assert.Equal(1700UL, ttl.RemainingTtlMs);
        Assert.Equal(0UL, h.Tick(50 + 1699, epoch: 6).ExpiredLeases);
        Assert.Equal(1UL, h.Tick(50 + 1700, epoch: 6).ExpiredLeases);
    }

    /// <summary>Grant is Kv.6 [leaseId][ttlMs][leaderEpoch][nowMs]; keep-alive is Kv.8 [leaseId][leaderEpoch][nowMs].</summary>
    [Theory]
    [InlineData(new byte[] { 1, 1, 6, 0, 0, 0xE8, 0x07 })]
    [InlineData(new byte[] { 1, 1, 6, 0, 0, 0xE8, 0x07, 5 })]
    [InlineData(new byte[] { 1, 1, 6, 0, 0, 0xE8, 0x07, 5, 0x80 })]
    [InlineData(new byte[] { 1, 1, 6, 0, 0, 0xE8, 0x07, 5, 0x80, 0x00 })]
    [InlineData(new byte[] { 1, 1, 6, 0, 0, 0xE8, 0x07, 5, 1, 0 })]
    [InlineData(new byte[] { 1, 1, 8, 0, 2 })]
    [InlineData(new byte[] { 1, 1, 8, 0, 2, 5 })]
    [InlineData(new byte[] { 1, 1, 8, 0, 2, 0x85, 0x00, 1 })]
    [InlineData(new byte[] { 1, 1, 8, 0, 2, 5, 1, 0 })]
    public void Grant_and_keep_alive_bodies_without_a_whole_leader_stamp_are_malformed(byte[] bytes)
    {
        var bad = Promoted(epoch: 5, leaderBaseMs: 10_000);
        var good = Promoted(epoch: 5, leaderBaseMs: 10_000);
        var result = bad.ApplyRaw(bytes);
        good.ApplyRaw([]);
        Assert.Equal(StateStatus.Malformed, Assert.IsType<ErrorResponse>(result.Response).Code);
        Assert.Equal(good.Machine.Snapshot(), bad.Machine.Snapshot());
    }

    [Fact]
    public void The_leader_stamp_round_trips_through_the_codec()
    {
        var h = Promoted(epoch: 5, leaderBaseMs: 10_000);
        var bytes = StateCodec.EncodeCommand(new LeaseGrantCommand(0, 1000, 5, 10_250));
        Assert.Equal(new byte[] { 1, 1, 6, 0, 0, 0xE8, 0x07, 5, 0x8A, 0x50 }, bytes);
        Assert.Equal(1250UL, Assert.IsType<LeaseGrantResponse>(h.ApplyRaw(bytes).Response).ExpiresAtMs);
    }

    /// <summary>A machine whose leader of <paramref name="epoch"/> was promoted at committed time 0 with its clock at
    /// <paramref name="leaderBaseMs"/>, no grace, and lease 1 (TTL 1 h) granted so that a malformed command has state to leave alone.</summary>
    private static Harness Promoted(ulong epoch, ulong leaderBaseMs)
    {
        var h = new Harness();
        h.Ok<LeaderPromotedResponse>(new PromoteLeaderCommand(epoch, leaderBaseMs, GraceMs: 0));
        h.Grant(3_600_000, id: 1);
        return h;
    }
}
