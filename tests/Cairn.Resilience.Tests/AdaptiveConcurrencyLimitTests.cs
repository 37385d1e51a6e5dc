using System.ComponentModel.DataAnnotations;
using Cairn.Resilience.Concurrency;
using Cairn.TestKit;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;

namespace Cairn.Resilience.Tests;

public sealed class AdaptiveConcurrencyLimitTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AdaptiveConcurrencyLimitStateProvider _state = new();

    [Fact]
    public async Task Rejects_calls_over_the_limit_with_a_clear_exception()
    {
        var pipeline = Build(new() { InitialLimit = 2, MinLimit = 1, MaxLimit = 10 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Enumerable.Range(0, 2).Select(_ => pipeline.ExecuteAsync(async _ => { await gate.Task; return 1; }).AsTask()).ToArray();

        var rejected = Assert.Throws<ConcurrencyLimitExceededException>(() => pipeline.Execute(() => 1));

        Assert.Equal(2, rejected.Limit);
        Assert.Contains("limit of 2 calls in flight", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(2, _state.InFlight);
        gate.SetResult();
        await Task.WhenAll(held);
        Assert.Equal(0, _state.InFlight);
        Assert.Equal(1, _state.TotalRejected);
    }

    [Fact]
    public async Task Fast_calls_at_high_utilisation_grow_the_limit_up_to_the_maximum()
    {
        var pipeline = Build(new() { InitialLimit = 2, MinLimit = 1, MaxLimit = 5 });

        for (int i = 0; i < 20; i++)
        {
            // Two calls at once: utilisation is at least half of any limit up to 4.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = Enumerable.Range(0, 2).Select(_ => pipeline.ExecuteAsync(async _ => { await gate.Task; return 1; }).AsTask()).ToArray();
            gate.SetResult();
            await Task.WhenAll(calls);
        }

        Assert.Equal(5, _state.CurrentLimit);
    }

    [Fact]
    public void An_idle_client_does_not_inflate_the_limit()
    {
        var pipeline = Build(new() { InitialLimit = 10, MinLimit = 1, MaxLimit = 100 });

        for (int i = 0; i < 50; i++)
        {
            pipeline.Execute(() => 1);
        }

        Assert.Equal(10, _state.CurrentLimit);
    }

    [Fact]
    public void Slow_calls_shrink_the_limit_multiplicatively_down_to_the_minimum()
    {
        var pipeline = Build(new() { InitialLimit = 100, MinLimit = 3, MaxLimit = 100, BackoffRatio = 0.5, LatencyThreshold = TimeSpan.FromMilliseconds(100) });

        pipeline.Execute(() => { _time.Advance(TimeSpan.FromMilliseconds(101)); return 1; });
        Assert.Equal(50, _state.CurrentLimit);
        pipeline.Execute(() => { _time.Advance(TimeSpan.FromMilliseconds(101)); return 1; });
        Assert.Equal(25, _state.CurrentLimit);

        for (int i = 0; i < 10; i++)
        {
            pipeline.Execute(() => { _time.Advance(TimeSpan.FromMilliseconds(101)); return 1; });
        }

        Assert.Equal(3, _state.CurrentLimit);
    }

    [Fact]
    public void Timeouts_are_overload_signals_even_when_fast()
    {
        var pipeline = Build(new() { InitialLimit = 10, MinLimit = 1, MaxLimit = 10, BackoffRatio = 0.5 });

        Assert.Throws<TimeoutRejectedException>(() => pipeline.Execute<int>(() => throw new TimeoutRejectedException()));

        Assert.Equal(5, _state.CurrentLimit);
    }

    [Fact]
    public void Changes_and_rejections_reach_the_polly_meter()
    {
        var name = $"limit-{Guid.NewGuid():N}";
        using var recorder = new PollyEventRecorder(name);
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time, Name = name };
        builder.ConfigureTelemetry(new Polly.Telemetry.TelemetryOptions());
        var pipeline = builder.AddCairnAdaptiveConcurrencyLimit(new CairnAdaptiveConcurrencyLimitStrategyOptions { InitialLimit = 2, MinLimit = 1, MaxLimit = 2, LatencyThreshold = TimeSpan.FromSeconds(1) }).Build();

        pipeline.Execute(() => { _time.Advance(TimeSpan.FromSeconds(2)); return 1; });
        pipeline.Execute(() => Assert.Throws<ConcurrencyLimitExceededException>(() => pipeline.Execute(() => 1)));

        // Down to 1 after the slow call, back up to 2 after the outer call that ran at full utilisation.
        Assert.Equal(2, recorder.Count(AdaptiveConcurrencyLimitEvents.LimitChanged));
        Assert.Equal(1, recorder.Count(AdaptiveConcurrencyLimitEvents.Rejected));
    }

    [Theory]
    [InlineData(5, 6, 10)]
    [InlineData(11, 1, 10)]
    [InlineData(5, 1, 4)]
    public void Inconsistent_limits_fail_validation_when_added(int initial, int min, int max) =>
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnAdaptiveConcurrencyLimit(
            new CairnAdaptiveConcurrencyLimitStrategyOptions { InitialLimit = initial, MinLimit = min, MaxLimit = max }));

    [Fact]
    public async Task Thousands_of_concurrent_calls_with_cancellations_and_exceptions_leave_no_permit_behind()
    {
        var throwing = new ThrowingStrategy();
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCairnAdaptiveConcurrencyLimit(new CairnAdaptiveConcurrencyLimitStrategyOptions { InitialLimit = 16, MinLimit = 4, MaxLimit = 64, StateProvider = _state });
        var pipeline = builder.AddStrategy(_ => throwing, new ThrowingStrategyOptions()).Build();
        var running = 0;
        var maxRunning = 0;
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var kinds = Enumerable.Range(0, 5000).Select(_ => random.Next(4)).ToArray();

        var calls = kinds.Select(kind => Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource();
            try
            {
                await pipeline.ExecuteAsync(
                    async token =>
                    {
                        var now = Interlocked.Increment(ref running);
                        InterlockedMax(ref maxRunning, now);
                        try
                        {
                            await Task.Yield();
                            switch (kind)
                            {
                                case 1:
                                    await cts.CancelAsync();
                                    token.ThrowIfCancellationRequested();
                                    break;
                                case 2:
                                    throw new InvalidOperationException("boom");
                            }

                            return 1;
                        }
                        finally
                        {
                            Interlocked.Decrement(ref running);
                        }
                    },
                    cts.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or ConcurrencyLimitExceededException)
            {
            }
        }));
        await Task.WhenAll(calls);

        Assert.True(_state.InFlight == 0, $"seed {seed}: {_state.InFlight} permits leaked");
        Assert.True(maxRunning <= 64, $"seed {seed}: {maxRunning} calls ran at once");
        throwing.Armed = true;
        Assert.Throws<InvalidOperationException>(() => pipeline.Execute(() => 1));
        Assert.Equal(0, _state.InFlight);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private ResiliencePipeline Build(CairnAdaptiveConcurrencyLimitStrategyOptions options)
    {
        options.StateProvider = _state;
        return new ResiliencePipelineBuilder { TimeProvider = _time }.AddCairnAdaptiveConcurrencyLimit(options).Build();
    }
}
