using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Headers;
using Cairn.Resilience.Retry;
using Cairn.TestKit;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Testing;

namespace Cairn.Resilience.Tests;

public sealed class RetryBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Floor_allows_min_retries_per_second_times_the_window_without_traffic()
    {
        var budget = new RetryBudget(0.1, TimeSpan.FromSeconds(10), minRetriesPerSecond: 1, _time);

        var granted = Enumerable.Range(0, 20).Count(_ => budget.TryAcquireRetry());

        Assert.Equal(10, granted);
        Assert.Equal(10, budget.TotalRetriesRejected);
    }

    [Fact]
    public void Ratio_allows_a_share_of_recent_requests()
    {
        var budget = new RetryBudget(0.1, TimeSpan.FromSeconds(10), minRetriesPerSecond: 0, _time);
        for (int i = 0; i < 100; i++)
        {
            budget.RecordRequest();
        }

        var granted = Enumerable.Range(0, 50).Count(_ => budget.TryAcquireRetry());

        Assert.Equal(10, granted);
    }

    [Fact]
    public void Deposits_and_withdrawals_expire_after_the_window()
    {
        var budget = new RetryBudget(0.5, TimeSpan.FromSeconds(10), minRetriesPerSecond: 0, _time);
        for (int i = 0; i < 10; i++)
        {
            budget.RecordRequest();
        }

        Assert.Equal(5, Enumerable.Range(0, 10).Count(_ => budget.TryAcquireRetry()));
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(0, budget.AvailableRetries);

        budget.RecordRequest();
        budget.RecordRequest();
        Assert.True(budget.TryAcquireRetry());
        Assert.False(budget.TryAcquireRetry());
    }

    [Fact]
    public void Requests_counted_but_not_yet_bucketed_still_expire_with_the_window()
    {
        var budget = new RetryBudget(1.0, TimeSpan.FromSeconds(10), minRetriesPerSecond: 0, _time);
        for (int i = 0; i < RetryBudget.DepositBatchSize - 1; i++)
        {
            budget.RecordRequest();
        }

        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(RetryBudget.DepositBatchSize - 1, budget.TotalRequests);
        Assert.False(budget.TryAcquireRetry());
    }

    [Theory]
    [InlineData(-0.1, 10, 1)]
    [InlineData(11, 10, 1)]
    [InlineData(0.1, 0.5, 1)]
    [InlineData(0.1, 10, -1)]
    public void Budget_rejects_out_of_range_arguments(double ratio, double windowSeconds, double floor) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudget(ratio, TimeSpan.FromSeconds(windowSeconds), floor, _time));

    [Fact]
    public void A_failing_dependency_sees_at_most_requests_times_one_plus_ratio_plus_the_floor()
    {
        var budget = new RetryBudget(0.1, TimeSpan.FromSeconds(10), minRetriesPerSecond: 1, _time);
        var exhausted = 0;
        var pipeline = Build(new()
        {
            Budget = budget,
            MaxRetryAttempts = 5,
            Delay = TimeSpan.Zero,
            ShouldHandle = args => new(args.Outcome.Exception is HttpRequestException),
            OnBudgetExhausted = _ => { exhausted++; return default; },
        });
        var attempts = 0;

        for (int i = 0; i < 200; i++)
        {
            Assert.Throws<HttpRequestException>(() => pipeline.Execute<int>(() => { attempts++; throw new HttpRequestException(); }));
        }

        // 200 requests, 0.1 × 200 + 1/s × 10 s = 30 retries at most.
        Assert.Equal(200, budget.TotalRequests);
        Assert.Equal(30, budget.TotalRetries);
        Assert.Equal(230, attempts);
        Assert.True(exhausted > 0);
        Assert.Equal(budget.TotalRetriesRejected, exhausted);
    }

    [Fact]
    public void Retries_are_granted_while_the_budget_holds()
    {
        var budget = new RetryBudget(0.1, TimeSpan.FromSeconds(10), minRetriesPerSecond: 10, _time);
        var pipeline = Build(new() { Budget = budget, MaxRetryAttempts = 2, Delay = TimeSpan.Zero });
        var attempts = 0;

        var result = pipeline.Execute(() => ++attempts < 3 ? throw new InvalidOperationException() : attempts);

        Assert.Equal(3, result);
        Assert.Equal(2, budget.TotalRetries);
    }

    [Fact]
    public async Task Honours_retry_after_seconds_from_an_http_response()
    {
        var delays = new List<TimeSpan>();
        var pipeline = BuildHttp(delays, honor: true);
        var responses = new Queue<HttpResponseMessage>([TooMany(r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))), new(HttpStatusCode.OK)]);

        using var response = await FakeTimeDriver.RunAsync(_time, pipeline.ExecuteAsync(_ => new ValueTask<HttpResponseMessage>(responses.Dequeue())).AsTask(), TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(7)], delays);
    }

    [Fact]
    public async Task Honours_retry_after_date_from_an_http_response()
    {
        var delays = new List<TimeSpan>();
        var pipeline = BuildHttp(delays, honor: true);
        var at = _time.GetUtcNow() + TimeSpan.FromSeconds(20);
        var responses = new Queue<HttpResponseMessage>([TooMany(r => r.Headers.RetryAfter = new RetryConditionHeaderValue(at)), new(HttpStatusCode.OK)]);

        using var response = await FakeTimeDriver.RunAsync(_time, pipeline.ExecuteAsync(_ => new ValueTask<HttpResponseMessage>(responses.Dequeue())).AsTask(), TimeSpan.FromSeconds(1));

        Assert.Equal([TimeSpan.FromSeconds(20)], delays);
    }

    [Fact]
    public async Task Ignores_retry_after_when_told_to()
    {
        var delays = new List<TimeSpan>();
        var pipeline = BuildHttp(delays, honor: false);
        var responses = new Queue<HttpResponseMessage>([TooMany(r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))), new(HttpStatusCode.OK)]);

        using var response = await FakeTimeDriver.RunAsync(_time, pipeline.ExecuteAsync(_ => new ValueTask<HttpResponseMessage>(responses.Dequeue())).AsTask(), TimeSpan.FromSeconds(1));

        Assert.Equal([TimeSpan.FromSeconds(1)], delays);
    }

    [Fact]
    public void Reads_retry_after_from_exceptions_that_carry_it()
    {
        Assert.True(RetryAfterHints.TryGetRetryAfter(Outcome.FromException<int>(new BrokenCircuitException(TimeSpan.FromSeconds(3))), _time, out var fromBreaker));
        Assert.Equal(TimeSpan.FromSeconds(3), fromBreaker);
        Assert.True(RetryAfterHints.TryGetRetryAfter(Outcome.FromException<int>(new HintedException(TimeSpan.FromSeconds(-2))), _time, out var negative));
        Assert.Equal(TimeSpan.Zero, negative);
        Assert.False(RetryAfterHints.TryGetRetryAfter(Outcome.FromException<int>(new HttpRequestException()), _time, out _));
        Assert.False(RetryAfterHints.TryGetRetryAfter(Outcome.FromResult(5), _time, out _));
    }

    [Fact]
    public void Budget_exhaustion_reaches_the_polly_meter()
    {
        var name = $"retry-{Guid.NewGuid():N}";
        using var recorder = new PollyEventRecorder(name);
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time, Name = name };
        builder.ConfigureTelemetry(new Polly.Telemetry.TelemetryOptions());
        var pipeline = builder.AddCairnBudgetedRetry(new() { MinRetriesPerSecond = 0.1, BudgetWindow = TimeSpan.FromSeconds(10), RetryRatio = 0, Delay = TimeSpan.Zero }).Build();

        Assert.Throws<InvalidOperationException>(() => pipeline.Execute<int>(() => throw new InvalidOperationException()));

        Assert.Equal(1, recorder.Count("OnRetry"));
        Assert.Equal(1, recorder.Count(RetryBudgetEvents.Exhausted));
    }

    [Fact]
    public void The_budgeted_retry_is_one_strategy_in_the_pipeline()
    {
        var pipeline = new ResiliencePipelineBuilder<int>().AddCairnBudgetedRetry(new CairnBudgetedRetryStrategyOptions<int>()).Build();

        var strategy = Assert.Single(pipeline.GetPipelineDescriptor().Strategies);
        Assert.IsType<Polly.Retry.RetryStrategyOptions<int>>(strategy.Options);
        Assert.Equal("CairnBudgetedRetry", strategy.Options!.Name);
    }

    [Fact]
    public void Clock_and_telemetry_set_on_the_builder_after_the_retry_was_added_are_the_ones_used()
    {
        var name = $"late-{Guid.NewGuid():N}";
        using var recorder = new PollyEventRecorder(name);
        var builder = new ResiliencePipelineBuilder().AddCairnBudgetedRetry(new()
        {
            MinRetriesPerSecond = 0.1,
            BudgetWindow = TimeSpan.FromSeconds(10),
            RetryRatio = 0,
            Delay = TimeSpan.Zero,
        });
        builder.Name = name;
        builder.TimeProvider = _time;
        builder.ConfigureTelemetry(new Polly.Telemetry.TelemetryOptions());
        var pipeline = builder.Build();
        var attempts = 0;
        void Fail() => Assert.Throws<InvalidOperationException>(() => pipeline.Execute<int>(() => { attempts++; throw new InvalidOperationException(); }));

        // The floor allows one retry per 10 s window on the builder's (fake) clock: the first call gets one retry and
        // is refused a second, the next is refused at once; once the window has passed, one retry again.
        Fail();
        Fail();
        Assert.Equal(3, attempts);
        Assert.Equal(2, recorder.Count(RetryBudgetEvents.Exhausted));

        _time.Advance(TimeSpan.FromSeconds(11));
        Fail();
        Assert.Equal(5, attempts);
        Assert.Equal(2, recorder.Count("OnRetry"));
        Assert.Equal(3, recorder.Count(RetryBudgetEvents.Exhausted));
    }

    [Fact]
    public void Invalid_options_fail_validation_when_added()
    {
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnBudgetedRetry(new() { RetryRatio = 20 }));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnBudgetedRetry(new() { MaxRetryAttempts = -1 }));
    }

    [Fact]
    public void Predicate_helper_budgets_a_plain_polly_retry()
    {
        var budget = new RetryBudget(0.1, TimeSpan.FromSeconds(10), minRetriesPerSecond: 0.5, _time);
        var refused = 0;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new Polly.Retry.RetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                Delay = TimeSpan.Zero,
                ShouldHandle = RetryBudgetPredicate.Create<object>(budget, args => new(args.Outcome.Exception is HttpRequestException), 3, _ => refused++),
            })
            .Build();
        var attempts = 0;

        pipeline.Execute(() => 1);
        for (int i = 0; i < 49; i++)
        {
            Assert.Throws<HttpRequestException>(() => pipeline.Execute<int>(() => { attempts++; throw new HttpRequestException(); }));
        }

        // 50 requests × 0.1 + 0.5/s × 10 s = 10 retries, whatever the order.
        Assert.Equal(50, budget.TotalRequests);
        Assert.Equal(10, budget.TotalRetries);
        Assert.Equal(59, attempts);
        Assert.Equal(budget.TotalRetriesRejected, refused);
    }

    private static HttpResponseMessage TooMany(Action<HttpResponseMessage> configure)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        configure(response);
        return response;
    }

    private ResiliencePipeline Build(CairnBudgetedRetryStrategyOptions options) =>
        new ResiliencePipelineBuilder { TimeProvider = _time }.AddCairnBudgetedRetry(options).Build();

    private ResiliencePipeline<HttpResponseMessage> BuildHttp(List<TimeSpan> delays, bool honor) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddCairnBudgetedRetry(new CairnBudgetedRetryStrategyOptions<HttpResponseMessage>
            {
                HonorRetryAfter = honor,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = args => new(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests),
                OnRetry = args => { delays.Add(args.RetryDelay); return default; },
            })
            .Build();

    private sealed class HintedException(TimeSpan retryAfter) : Exception("hinted"), IRetryAfterHint
    {
        public TimeSpan? RetryAfter { get; } = retryAfter;
    }
}
