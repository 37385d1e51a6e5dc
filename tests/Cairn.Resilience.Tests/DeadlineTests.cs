using System.ComponentModel.DataAnnotations;
using Cairn.Resilience.Deadlines;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;

namespace Cairn.Resilience.Tests;

public sealed class DeadlineTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Remaining_counts_down_on_the_clock_and_never_goes_negative()
    {
        var deadline = Deadline.After(TimeSpan.FromSeconds(3), _time);
        Assert.Equal(TimeSpan.FromSeconds(3), deadline.Remaining);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(1), deadline.Remaining);
        Assert.False(deadline.IsExpired);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, deadline.Remaining);
        Assert.True(deadline.IsExpired);
    }

    [Fact]
    public void None_never_expires_and_never_wins()
    {
        Assert.False(Deadline.None.HasValue);
        Assert.False(Deadline.None.IsExpired);
        Assert.Equal(TimeSpan.MaxValue, Deadline.None.Remaining);
        var real = Deadline.After(TimeSpan.FromSeconds(1), _time);
        Assert.Equal(real, Deadline.Earliest(Deadline.None, real));
        Assert.Equal(real, Deadline.Earliest(real, Deadline.None));
        Assert.Equal(real, Deadline.Earliest(Deadline.After(TimeSpan.FromSeconds(2), _time), real));
    }

    [Fact]
    public void Header_carries_whole_milliseconds_remaining_rounded_down()
    {
        var deadline = Deadline.After(TimeSpan.FromMilliseconds(1500.9), _time);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://svc/");

        DeadlineHeader.Write(request, deadline);

        Assert.Equal(["1500"], request.Headers.GetValues(DeadlineHeader.Name));
        var receiver = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        Assert.True(DeadlineHeader.TryRead(request.Headers, receiver, out var received));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), received.Remaining);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("12.5")]
    [InlineData(" 7")]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    public void Invalid_header_values_are_refused(string value)
    {
        Assert.False(DeadlineHeader.TryParse(value, _time, out var deadline));
        Assert.False(deadline.HasValue);
    }

    [Fact]
    public void Writing_none_removes_the_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://svc/");
        DeadlineHeader.Write(request, Deadline.After(TimeSpan.FromSeconds(1), _time));

        DeadlineHeader.Write(request, Deadline.None);

        Assert.False(request.Headers.Contains(DeadlineHeader.Name));
    }

    [Fact]
    public void Grpc_deadlines_convert_both_ways_and_max_value_means_none()
    {
        var grpcDeadline = _time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(4);

        var deadline = Deadline.FromGrpcDeadline(grpcDeadline, _time);

        Assert.Equal(TimeSpan.FromSeconds(4), deadline.Remaining);
        Assert.Equal(grpcDeadline, deadline.ToGrpcDeadline());
        Assert.False(Deadline.FromGrpcDeadline(DateTime.MaxValue, _time).HasValue);
        Assert.Equal(DateTime.MaxValue, Deadline.None.ToGrpcDeadline());
    }

    [Fact]
    public async Task Timeout_uses_the_propagated_deadline_when_it_is_shorter()
    {
        var pipeline = Build(TimeSpan.FromSeconds(30));
        var context = ResilienceContextPool.Shared.Get();
        context.SetDeadline(Deadline.After(TimeSpan.FromSeconds(2), _time));

        var call = pipeline.ExecuteAsync(async ctx => { await Task.Delay(Timeout.Infinite, ctx.CancellationToken); return 1; }, context).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
    }

    [Fact]
    public async Task Timeout_uses_the_local_timeout_when_it_is_shorter()
    {
        var pipeline = Build(TimeSpan.FromSeconds(1));
        var context = ResilienceContextPool.Shared.Get();
        context.SetDeadline(Deadline.After(TimeSpan.FromSeconds(10), _time));

        var call = pipeline.ExecuteAsync(async ctx => { await Task.Delay(Timeout.Infinite, ctx.CancellationToken); return 1; }, context).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
    }

    [Fact]
    public async Task Expired_propagated_deadline_is_refused_without_running_the_call()
    {
        var timeouts = 0;
        var pipeline = Build(TimeSpan.FromSeconds(1), _ => { timeouts++; return default; });
        var context = ResilienceContextPool.Shared.Get();
        context.SetDeadline(Deadline.After(TimeSpan.FromMilliseconds(5), _time));
        _time.Advance(TimeSpan.FromMilliseconds(5));
        var ran = false;

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => pipeline.ExecuteAsync(_ => { ran = true; return new ValueTask<int>(1); }, context).AsTask());

        Assert.False(ran);
        Assert.Equal(1, timeouts);
    }

    [Fact]
    public void Inner_code_sees_the_narrowed_deadline_and_the_caller_gets_its_own_back()
    {
        var pipeline = Build(TimeSpan.FromSeconds(3));
        var context = ResilienceContextPool.Shared.Get();
        var outer = Deadline.After(TimeSpan.FromSeconds(10), _time);
        context.SetDeadline(outer);

        var seen = pipeline.Execute(ctx => ctx.GetDeadline().Remaining, context);

        Assert.Equal(TimeSpan.FromSeconds(3), seen);
        Assert.Equal(outer, context.GetDeadline());
    }

    [Fact]
    public void Invalid_timeout_fails_validation_when_added() =>
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnDeadlineTimeout(new CairnDeadlineTimeoutStrategyOptions { Timeout = TimeSpan.Zero }));

    private ResiliencePipeline Build(TimeSpan timeout, Func<OnTimeoutArguments, ValueTask>? onTimeout = null) =>
        new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCairnDeadlineTimeout(new CairnDeadlineTimeoutStrategyOptions { Timeout = timeout, OnTimeout = onTimeout })
            .Build();
}
