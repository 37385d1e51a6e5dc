using Cairn.State.Kv;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>Client sessions for exactly-once writes (Raft thesis §6.3): a retried request gets the first result and
/// does not apply again; sessions expire by committed time only.</summary>
public sealed class SessionTests
{
    [Fact]
    public void A_retry_is_answered_with_the_first_result_without_applying_again()
    {
        var h = new Harness();
        var session = h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand()).SessionId;
        Assert.Equal(1UL, session);
        var first = h.Apply(new KvPutCommand(B("k"), B("v")), session, 1);
        h.Put("k", "someone else");
        var retry = h.Apply(new KvPutCommand(B("k"), B("v")), session, 1);
        Assert.True(retry.Duplicate);
        Assert.Same(first.Response, retry.Response);
        Assert.Empty(retry.Events);
        Assert.Equal("someone else", S(h.Get("k")!.Value));
        Assert.Equal(2UL, h.Get("k")!.Version);
    }

    [Fact]
    public void A_retried_compare_and_swap_keeps_its_success()
    {
        var h = new Harness();
        var session = h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand()).SessionId;
        var cas = new KvTxnCommand([KvCompare.Missing(B("lock"))], [new KvPutCommand(B("lock"), B("me"))], []);
        Assert.True(Assert.IsType<KvTxnResponse>(h.Apply(cas, session, 1).Response).Succeeded);
        Assert.True(Assert.IsType<KvTxnResponse>(h.Apply(cas, session, 1).Response).Succeeded);
        Assert.False(Assert.IsType<KvTxnResponse>(h.Apply(cas, session, 2).Response).Succeeded);
    }

    [Fact]
    public void An_older_sequence_and_an_unknown_session_are_refused()
    {
        var h = new Harness();
        var session = h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand()).SessionId;
        h.Apply(new KvPutCommand(B("a"), B("1")), session, 5);
        Assert.Equal(StateStatus.SessionSequenceStale, h.Apply(new KvPutCommand(B("a"), B("2")), session, 4).Response.Status);
        Assert.Equal(StateStatus.InvalidArgument, h.Apply(new KvPutCommand(B("a"), B("2")), session, 0).Response.Status);
        Assert.Equal(StateStatus.SessionExpired, h.Apply(new KvPutCommand(B("a"), B("2")), 999, 1).Response.Status);
        Assert.Equal(StateStatus.InvalidArgument, h.Apply(new RegisterSessionCommand(), session, 6).Response.Status);
        Assert.Equal("1", S(h.Get("a")!.Value));
    }

    [Fact]
    public void Sessions_expire_by_committed_time_only()
    {
        var h = new Harness(new StateMachineOptions { SessionTimeoutMs = 1000 });
        var idle = h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand()).SessionId;
        var busy = h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand()).SessionId;
        h.Tick(600);
        h.Apply(new KvPutCommand(B("a"), B("1")), busy, 1);
        Assert.Equal(1UL, h.Tick(1000).ExpiredSessions);
        Assert.Equal(StateStatus.SessionExpired, h.Apply(new KvPutCommand(B("b"), B("1")), idle, 1).Response.Status);
        Assert.Equal(StateStatus.Ok, h.Apply(new KvPutCommand(B("b"), B("1")), busy, 2).Response.Status);
        Assert.Equal(1, h.Machine.SessionCount);
    }

    [Fact]
    public void A_read_in_a_session_runs_again_and_does_not_consume_the_sequence()
    {
        var h = new Harness();
        var session = h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand()).SessionId;
        h.Apply(new KvPutCommand(B("a"), B("1")), session, 1);
        h.Put("a", "2");
        var read = Assert.IsType<KvTxnResponse>(h.Apply(new KvRangeCommand(B("a")), session, 1).Response);
        Assert.Equal("2", S(Assert.IsType<KvRangeResponse>(read.Responses[0]).Kvs[0].Value));
        Assert.True(h.Apply(new KvPutCommand(B("a"), B("1")), session, 1).Duplicate);
    }

    [Fact]
    public void The_session_table_is_bounded()
    {
        var h = new Harness(new StateMachineOptions { MaxSessions = 2 });
        h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand());
        h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand());
        Assert.Equal(StateStatus.TooManySessions, h.Apply(new RegisterSessionCommand()).Response.Status);
    }

    [Fact]
    public void A_leader_promotion_extends_sessions_too()
    {
        var h = new Harness(new StateMachineOptions { SessionTimeoutMs = 1000 });
        var session = h.Ok<SessionRegisteredResponse>(new RegisterSessionCommand()).SessionId;
        h.Ok<LeaderPromotedResponse>(new PromoteLeaderCommand(1, 0, 500));
        Assert.Equal(0UL, h.Tick(1499, epoch: 1).ExpiredSessions);
        Assert.Equal(1UL, h.Tick(1500, epoch: 1).ExpiredSessions);
        Assert.Equal(StateStatus.SessionExpired, h.Apply(new KvPutCommand(B("b"), B("1")), session, 1).Response.Status);
    }
}
