using BenchmarkDotNet.Attributes;
using Cairn.Client.LoadBalancing;

namespace Cairn.Benchmarks.Resilience;

/// <summary>
/// Cost of one balanced call's bookkeeping: pick an endpoint, count it in flight, release it with a result.
/// Round robin is the baseline; weights vary from 1 to 7 so the weighted pickers do real work.
/// </summary>
[MemoryDiagnoser]
public class LoadBalancerPickBenchmarks
{
    private LoadBalancer _roundRobin = null!;
    private LoadBalancer _random = null!;
    private LoadBalancer _leastConnections = null!;
    private LoadBalancer _powerOfTwo = null!;
    private LoadBalancer _weightedRoundRobin = null!;
    private LoadBalancer _weightedRandom = null!;

    [Params(3, 30, 300)]
    public int Endpoints { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _roundRobin = Create(new RoundRobinPicker());
        _random = Create(new RandomPicker(new SeededRandom(1).Next));
        _leastConnections = Create(new LeastConnectionsPicker());
        _powerOfTwo = Create(new PowerOfTwoChoicesPicker(new SeededRandom(1).Next));
        _weightedRoundRobin = Create(new WeightedRoundRobinPicker());
        _weightedRandom = Create(new WeightedRandomPicker(new SeededRandom(1).Next));
    }

    [Benchmark(Baseline = true)]
    public BackendEndpoint RoundRobin() => PickAndRelease(_roundRobin);

    [Benchmark]
    public BackendEndpoint Random() => PickAndRelease(_random);

    [Benchmark]
    public BackendEndpoint LeastConnections() => PickAndRelease(_leastConnections);

    [Benchmark]
    public BackendEndpoint PowerOfTwoChoices() => PickAndRelease(_powerOfTwo);

    [Benchmark]
    public BackendEndpoint WeightedRoundRobin() => PickAndRelease(_weightedRoundRobin);

    [Benchmark]
    public BackendEndpoint WeightedRandom() => PickAndRelease(_weightedRandom);

    private static BackendEndpoint PickAndRelease(LoadBalancer balancer)
    {
        balancer.TryAcquire(out var lease);
        lease.Release(EndpointCallResult.Success);
        return lease.Endpoint;
    }

    private LoadBalancer Create(EndpointPicker picker)
    {
        var endpoints = Enumerable.Range(0, Endpoints)
            .Select(i => new BackendEndpoint(new Uri($"http://10.0.{i / 250}.{i % 250}:8080/"), 1 + (i % 7)));
        var balancer = new LoadBalancer(new StaticEndpointSource(endpoints), picker);

        // Some load so least connections and P2C compare unequal counts: a third as many leases as endpoints, never released.
        for (int i = 0; i < Endpoints / 3; i++)
        {
            balancer.TryAcquire(out _);
        }

        return balancer;
    }
}
