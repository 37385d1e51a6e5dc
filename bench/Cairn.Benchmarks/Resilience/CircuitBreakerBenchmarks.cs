using BenchmarkDotNet.Attributes;
using Cairn.Resilience.CircuitBreaker;
using Polly;
using Polly.CircuitBreaker;

namespace Cairn.Benchmarks.Resilience;

/// <summary>Per-call overhead on the success path: Polly's circuit breaker (baseline) against Cairn's.</summary>
[MemoryDiagnoser]
public class CircuitBreakerBenchmarks
{
    private ResiliencePipeline<int> _polly = ResiliencePipeline<int>.Empty;
    private ResiliencePipeline<int> _cairn = ResiliencePipeline<int>.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder<int>().AddCircuitBreaker(new CircuitBreakerStrategyOptions<int>()).Build();
        _cairn = new ResiliencePipelineBuilder<int>().AddCairnCircuitBreaker(new CairnCircuitBreakerStrategyOptions<int>()).Build();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<Outcome<int>> PollyBreaker() => Execute(_polly);

    [Benchmark]
    public ValueTask<Outcome<int>> CairnBreaker() => Execute(_cairn);

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
}
