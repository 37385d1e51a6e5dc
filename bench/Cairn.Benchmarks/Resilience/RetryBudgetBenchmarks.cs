using BenchmarkDotNet.Attributes;
using Cairn.Resilience.Retry;
using Polly;
using Polly.Retry;

namespace Cairn.Benchmarks.Resilience;

/// <summary>
/// Per-call overhead on the success path: Polly's retry (baseline) against the same retry under a Cairn retry
/// budget (<c>AddCairnBudgetedRetry</c>, and the predicate helper inside a plain Polly retry), and against Polly's
/// retry behind a pass-through strategy, which is what one more strategy in a pipeline costs (the budgeted retry
/// used to add one).
/// </summary>
[MemoryDiagnoser]
public class RetryBudgetBenchmarks
{
    private ResiliencePipeline<int> _polly = ResiliencePipeline<int>.Empty;
    private ResiliencePipeline<int> _cairn = ResiliencePipeline<int>.Empty;
    private ResiliencePipeline<int> _pollyWithBudgetPredicate = ResiliencePipeline<int>.Empty;
    private ResiliencePipeline<int> _pollyBehindPassThrough = ResiliencePipeline<int>.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder<int>().AddRetry(new RetryStrategyOptions<int>()).Build();
        _cairn = new ResiliencePipelineBuilder<int>().AddCairnBudgetedRetry(new CairnBudgetedRetryStrategyOptions<int>()).Build();
        var retry = new RetryStrategyOptions<int>();
        retry.ShouldHandle = RetryBudgetPredicate.Create(new RetryBudget(0.1, TimeSpan.FromSeconds(10), 10), retry.ShouldHandle, retry.MaxRetryAttempts);
        _pollyWithBudgetPredicate = new ResiliencePipelineBuilder<int>().AddRetry(retry).Build();
        _pollyBehindPassThrough = new ResiliencePipelineBuilder<int>()
            .AddStrategy(_ => new PassThroughStrategy(), new PassThroughOptions())
            .AddRetry(new RetryStrategyOptions<int>())
            .Build();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<Outcome<int>> PollyRetry() => Execute(_polly);

    [Benchmark]
    public ValueTask<Outcome<int>> CairnBudgetedRetry() => Execute(_cairn);

    [Benchmark]
    public ValueTask<Outcome<int>> PollyRetryWithBudgetPredicate() => Execute(_pollyWithBudgetPredicate);

    [Benchmark]
    public ValueTask<Outcome<int>> PollyRetryBehindPassThrough() => Execute(_pollyBehindPassThrough);

    // A typed pipeline, a pooled context and a static callback make the call allocation-free in Polly itself
    // (a non-generic pipeline boxes the result for reactive strategies), so any allocation the diagnoser
    // reports belongs to the strategy. The callback completes synchronously, so returning the context before
    // the caller awaits is safe here.
    private static ValueTask<Outcome<int>> Execute(ResiliencePipeline<int> pipeline)
    {
        var context = ResilienceContextPool.Shared.Get();
        var outcome = pipeline.ExecuteOutcomeAsync(static (_, _) => Outcome.FromResultAsValueTask(1), context, 0);
        ResilienceContextPool.Shared.Return(context);
        return outcome;
    }

    private sealed class PassThroughOptions : ResilienceStrategyOptions;

    private sealed class PassThroughStrategy : ResilienceStrategy
    {
        protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
            ResilienceContext context,
            TState state) => callback(context, state);
    }
}
