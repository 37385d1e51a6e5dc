using System.ComponentModel.DataAnnotations;
using Cairn.Resilience.CircuitBreaker;
using Cairn.TestKit;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Cairn.Resilience.Tests;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CairnCircuitBreakerStateProvider _state = new();

    [Fact]
    public void Stays_closed_until_minimum_throughput_then_opens_on_the_failure_ratio()
    {
        var pipeline = Build(new() { FailureRatio = 0.5, MinimumThroughput = 4 });

        Fail(pipeline);
        Fail(pipeline);
        Fail(pipeline);
        Assert.Equal(CircuitState.Closed, _state.CircuitState);

        Fail(pipeline);
        Assert.Equal(CircuitState.Open, _state.CircuitState);
    }

    [Fact]
    public void Does_not_open_below_the_failure_ratio()
    {
        var pipeline = Build(new() { FailureRatio = 0.5, MinimumThroughput = 4 });
        for (int i = 0; i < 10; i++)
        {
            Succeed(pipeline);
        }

        for (int i = 0; i < 9; i++)
        {
            Fail(pipeline);
        }

        Assert.Equal(CircuitState.Closed, _state.CircuitState);
        Fail(pipeline);
        Assert.Equal(CircuitState.Open, _state.CircuitState);
    }

    [Fact]
    public void Failures_older_than_the_sampling_window_no_longer_count()
    {
        var pipeline = Build(new() { FailureRatio = 0.5, MinimumThroughput = 4, SamplingDuration = TimeSpan.FromSeconds(10) });
        Fail(pipeline);
        Fail(pipeline);
        Fail(pipeline);

        _time.Advance(TimeSpan.FromSeconds(11));
        Fail(pipeline);

        Assert.Equal(CircuitState.Closed, _state.CircuitState);
    }

    [Fact]
    public void Open_circuit_rejects_with_retry_after_then_half_opens_after_the_break()
    {
        var pipeline = Open(new() { BreakDuration = TimeSpan.FromSeconds(5) });

        _time.Advance(TimeSpan.FromSeconds(2));
        var rejected = Assert.Throws<BrokenCircuitException>(() => Succeed(pipeline));
        Assert.Equal(TimeSpan.FromSeconds(3), rejected.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(3));
        Succeed(pipeline);
        Assert.Equal(CircuitState.Closed, _state.CircuitState);
    }

    [Fact]
    public void Failed_trial_reopens_for_a_new_break()
    {
        var pipeline = Open(new() { BreakDuration = TimeSpan.FromSeconds(5) });
        _time.Advance(TimeSpan.FromSeconds(5));

        Fail(pipeline);

        Assert.Equal(CircuitState.Open, _state.CircuitState);
        Assert.Throws<BrokenCircuitException>(() => Succeed(pipeline));
    }

    [Fact]
    public async Task Half_open_admits_n_trials_and_closes_when_the_success_ratio_is_met()
    {
        var pipeline = Open(new() { HalfOpenTrialCalls = 3, HalfOpenSuccessRatio = 2.0 / 3 });
        _time.Advance(TimeSpan.FromSeconds(5));
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

        var trials = gates.Select(gate => pipeline.ExecuteAsync(async _ => await gate.Task ? 1 : throw new HttpRequestException()).AsTask()).ToArray();
        Assert.Equal(CircuitState.HalfOpen, _state.CircuitState);
        Assert.Equal(3, _state.HalfOpenTrialsInFlight);
        Assert.Throws<BrokenCircuitException>(() => Succeed(pipeline));

        gates[0].SetResult(true);
        await trials[0];
        Assert.Equal(CircuitState.HalfOpen, _state.CircuitState);
        gates[1].SetResult(true);
        await trials[1];

        // Two of three is the ratio: the circuit closes without waiting for the third trial.
        Assert.Equal(CircuitState.Closed, _state.CircuitState);
        gates[2].SetResult(false);
        await Assert.ThrowsAsync<HttpRequestException>(() => trials[2]);
        Assert.Equal(CircuitState.Closed, _state.CircuitState);
    }

    [Fact]
    public async Task Half_open_reopens_as_soon_as_the_success_ratio_is_out_of_reach()
    {
        var pipeline = Open(new() { HalfOpenTrialCalls = 3, HalfOpenSuccessRatio = 2.0 / 3 });
        _time.Advance(TimeSpan.FromSeconds(5));
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var trials = gates.Select(gate => pipeline.ExecuteAsync(async _ => await gate.Task ? 1 : throw new HttpRequestException()).AsTask()).ToArray();

        gates[0].SetResult(false);
        await Assert.ThrowsAsync<HttpRequestException>(() => trials[0]);
        Assert.Equal(CircuitState.HalfOpen, _state.CircuitState);
        gates[1].SetResult(false);
        await Assert.ThrowsAsync<HttpRequestException>(() => trials[1]);

        Assert.Equal(CircuitState.Open, _state.CircuitState);
        gates[2].SetResult(true);
        await trials[2];
        Assert.Equal(CircuitState.Open, _state.CircuitState);
    }

    [Fact]
    public async Task Cancelled_trial_gives_its_slot_back_so_half_open_cannot_get_stuck()
    {
        var pipeline = Open(new());
        _time.Advance(TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource();
        var trial = pipeline.ExecuteAsync(async token => { await Task.Delay(Timeout.Infinite, token); return 1; }, cts.Token).AsTask();
        Assert.Throws<BrokenCircuitException>(() => Succeed(pipeline));

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trial);

        Assert.Equal(CircuitState.HalfOpen, _state.CircuitState);
        Assert.Equal(0, _state.HalfOpenTrialsInFlight);
        Succeed(pipeline);
        Assert.Equal(CircuitState.Closed, _state.CircuitState);
    }

    [Fact]
    public void Trial_ending_in_a_thrown_strategy_exception_gives_its_slot_back()
    {
        var throwing = new ThrowingStrategy();
        var pipeline = Build(
            new() { MinimumThroughput = 2, FailureRatio = 0.5, ShouldHandle = args => new(args.Outcome.Exception is HttpRequestException) },
            b => b.AddStrategy(_ => throwing, new ThrowingStrategyOptions()));
        Fail(pipeline);
        Fail(pipeline);
        _time.Advance(TimeSpan.FromSeconds(5));

        throwing.Armed = true;
        Assert.Throws<InvalidOperationException>(() => Succeed(pipeline));
        Assert.Equal(0, _state.HalfOpenTrialsInFlight);

        throwing.Armed = false;
        Succeed(pipeline);
        Assert.Equal(CircuitState.Closed, _state.CircuitState);
    }

    [Fact]
    public void Unhandled_exception_in_a_trial_counts_as_a_success_of_the_dependency()
    {
        var pipeline = Open(new() { ShouldHandle = args => new(args.Outcome.Exception is HttpRequestException) });
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Throws<ArgumentException>(() => pipeline.Execute<int>(() => throw new ArgumentException("bad input")));

        Assert.Equal(CircuitState.Closed, _state.CircuitState);
    }

    [Fact]
    public void Break_duration_generator_sees_consecutive_failed_rounds()
    {
        var seen = new List<int>();
        var pipeline = Open(new()
        {
            BreakDurationGenerator = args =>
            {
                seen.Add(args.HalfOpenAttempts);
                return TimeSpan.FromSeconds(1 << args.HalfOpenAttempts);
            },
        });

        _time.Advance(TimeSpan.FromSeconds(1));
        Fail(pipeline);
        _time.Advance(TimeSpan.FromSeconds(2));
        Fail(pipeline);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Throws<BrokenCircuitException>(() => Succeed(pipeline));
        _time.Advance(TimeSpan.FromSeconds(1));
        Succeed(pipeline);

        Assert.Equal([0, 1, 2], seen);
        Assert.Equal(CircuitState.Closed, _state.CircuitState);
    }

    [Fact]
    public async Task Manual_control_isolates_and_closes_and_raises_events()
    {
        var control = new CairnCircuitBreakerManualControl();
        var opened = new List<bool>();
        var closed = new List<bool>();
        var pipeline = Build(new()
        {
            ManualControl = control,
            OnOpened = args => { opened.Add(args.IsManual); return default; },
            OnClosed = args => { closed.Add(args.IsManual); return default; },
        });

        await control.IsolateAsync();
        Assert.Equal(CircuitState.Isolated, _state.CircuitState);
        Assert.Throws<IsolatedCircuitException>(() => Succeed(pipeline));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Throws<IsolatedCircuitException>(() => Succeed(pipeline));

        await control.CloseAsync();
        Succeed(pipeline);
        Assert.Equal([true], opened);
        Assert.Equal([true], closed);
    }

    [Fact]
    public void Control_isolated_before_the_build_starts_the_breaker_isolated()
    {
        var pipeline = Build(new() { ManualControl = new CairnCircuitBreakerManualControl(isIsolated: true) });

        Assert.Throws<IsolatedCircuitException>(() => Succeed(pipeline));
    }

    [Fact]
    public void State_provider_attaches_to_one_breaker_only()
    {
        Build(new());

        Assert.Throws<InvalidOperationException>(() => Build(new()));
    }

    [Theory]
    [InlineData(1.5, 10, 1, 1.0)]
    [InlineData(0.5, 1, 1, 1.0)]
    [InlineData(0.5, 10, 0, 1.0)]
    [InlineData(0.5, 10, 1, 0.0)]
    public void Invalid_options_fail_validation_when_added(double ratio, int throughput, int trials, double successRatio)
    {
        var options = new CairnCircuitBreakerStrategyOptions
        {
            FailureRatio = ratio,
            MinimumThroughput = throughput,
            HalfOpenTrialCalls = trials,
            HalfOpenSuccessRatio = successRatio,
        };

        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnCircuitBreaker(options));
    }

    [Fact]
    public void Transitions_reach_the_polly_meter()
    {
        var name = $"breaker-{Guid.NewGuid():N}";
        using var recorder = new PollyEventRecorder(name);
        var pipeline = Open(new(), name);
        _time.Advance(TimeSpan.FromSeconds(5));
        Succeed(pipeline);

        Assert.Equal(1, recorder.Count(CairnCircuitBreakerEvents.Opened));
        Assert.Equal(1, recorder.Count(CairnCircuitBreakerEvents.HalfOpened));
        Assert.Equal(1, recorder.Count(CairnCircuitBreakerEvents.Closed));
    }

    [Fact]
    public async Task Thousands_of_concurrent_trials_with_cancellations_and_exceptions_leave_no_slot_behind()
    {
        var throwing = new ThrowingStrategy();
        var pipeline = Build(
            new() { MinimumThroughput = 2, FailureRatio = 0.5, HalfOpenTrialCalls = 8, HalfOpenSuccessRatio = 1.0, ShouldHandle = args => new(args.Outcome.Exception is HttpRequestException) },
            b => b.AddStrategy(_ => throwing, new ThrowingStrategyOptions()));
        Fail(pipeline);
        Fail(pipeline);
        _time.Advance(TimeSpan.FromSeconds(5));

        // Every call that gets in is cancelled by its caller, so no round is ever decided: only exact slot
        // accounting keeps the circuit able to admit trials.
        var calls = Enumerable.Range(0, 4000).Select(i => Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource();
            var call = pipeline.ExecuteAsync(
                async token =>
                {
                    await Task.Yield();
                    await cts.CancelAsync();
                    token.ThrowIfCancellationRequested();
                    return i;
                },
                cts.Token).AsTask();
            try
            {
                await call;
            }
            catch (Exception e) when (e is OperationCanceledException or BrokenCircuitException)
            {
            }
        }));
        await Task.WhenAll(calls);

        Assert.Equal(CircuitState.HalfOpen, _state.CircuitState);
        Assert.Equal(0, _state.HalfOpenTrialsInFlight);
        Succeed(pipeline);
        Assert.Equal(CircuitState.HalfOpen, _state.CircuitState);
        for (int i = 0; i < 7; i++)
        {
            Succeed(pipeline);
        }

        Assert.Equal(CircuitState.Closed, _state.CircuitState);
    }

    private static void Fail(ResiliencePipeline pipeline) =>
        Assert.Throws<HttpRequestException>(() => pipeline.Execute<int>(() => throw new HttpRequestException("down")));

    private static void Succeed(ResiliencePipeline pipeline) => pipeline.Execute(() => 1);

    private ResiliencePipeline Open(CairnCircuitBreakerStrategyOptions options, string? name = null)
    {
        options.MinimumThroughput = 2;
        options.FailureRatio = 0.5;
        var pipeline = Build(options, name: name);
        Fail(pipeline);
        Fail(pipeline);
        Assert.Equal(CircuitState.Open, _state.CircuitState);
        return pipeline;
    }

    private ResiliencePipeline Build(CairnCircuitBreakerStrategyOptions options, Action<ResiliencePipelineBuilder>? inner = null, string? name = null)
    {
        options.StateProvider = _state;
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time, Name = name ?? "test" };
        builder.ConfigureTelemetry(new Polly.Telemetry.TelemetryOptions());
        builder.AddCairnCircuitBreaker(options);
        inner?.Invoke(builder);
        return builder.Build();
    }
}
