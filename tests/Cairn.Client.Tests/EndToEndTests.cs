using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Cairn.Client.LoadBalancing;
using Cairn.Resilience.CircuitBreaker;
using Cairn.Resilience.Retry;
using Cairn.TestKit;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Xunit.Abstractions;

namespace Cairn.Client.Tests;

/// <summary>
/// Three Kestrel backends on ephemeral loopback ports behind the load balancer, the budgeted retry and the breaker.
/// One backend fails and recovers, then all fail and recover; traffic, breaker, budget and metrics must follow.
/// Time-based logic runs on a fake clock; only the HTTP traffic is real.
/// </summary>
public sealed class EndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Seed = 20_260_601;
    private readonly List<TestBackend> _backends = [];

    public async Task InitializeAsync()
    {
        for (int i = 0; i < 3; i++)
        {
            _backends.Add(await TestBackend.StartAsync());
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task Traffic_moves_away_from_a_failing_backend_and_back_and_the_breaker_opens_and_closes()
    {
        output.WriteLine($"seed {Seed}; backends {string.Join(", ", _backends.Select(b => b.Address))}");
        var time = new FakeTimeProvider();
        var endpoints = _backends.Select(b => new BackendEndpoint(b.Address)).ToArray();
        var balancer = new LoadBalancer(
            new StaticEndpointSource(endpoints),
            new PowerOfTwoChoicesPicker(new SeededRandom(Seed).Next),
            new OutlierDetectionOptions { ConsecutiveFailures = 3, ReactivationPeriod = TimeSpan.FromSeconds(30) },
            time);
        var budget = new RetryBudget(0.2, TimeSpan.FromSeconds(10), minRetriesPerSecond: 0.5, time);
        var breaker = new CairnCircuitBreakerStateProvider();
        var name = $"e2e-{Guid.NewGuid():N}";
        using var pollyEvents = new PollyEventRecorder(name);
        using var lbMetrics = new LoadBalancingMeterRecorder();
        using var client = new HttpClient(new ResiliencePipelineHandler(BuildPipeline(name, time, budget, breaker))
        {
            InnerHandler = new LoadBalancingHandler(balancer) { InnerHandler = new SocketsHttpHandler() },
        })
        {
            BaseAddress = new Uri("http://orders/"),
        };
        var failing = _backends[1];

        // 1. All healthy: every backend gets a share.
        var hits = await SendAsync(client, 60);
        Assert.All(hits, h => Assert.True(h >= 10, $"hits per backend: {string.Join(", ", hits)}"));

        // 2. One backend fails: three consecutive failures eject it; retries hide the failures from the caller.
        failing.Failing = true;
        hits = await SendAsync(client, 60);
        Assert.Equal(3, hits[1]);
        Assert.Equal(1, endpoints[1].TotalEjections);
        Assert.Equal(3, budget.TotalRetries);
        Assert.Equal(3, pollyEvents.Count("OnRetry"));
        Assert.Equal(1, lbMetrics.Ejections(endpoints[1].Authority));
        Assert.Equal(3, lbMetrics.Failures(endpoints[1].Authority));
        Assert.Equal(CircuitState.Closed, breaker.CircuitState);

        // 3. It recovers; after the reactivation period it gets traffic again.
        failing.Failing = false;
        time.Advance(TimeSpan.FromSeconds(30));
        hits = await SendAsync(client, 60);
        Assert.True(hits[1] >= 10, $"hits per backend after recovery: {string.Join(", ", hits)}");

        // 4. Everything fails: the budget stops retrying and the breaker opens and fails fast.
        time.Advance(TimeSpan.FromSeconds(31));
        _backends.ForEach(b => b.Failing = true);
        var before = _backends.Sum(b => b.Hits);
        var rejected = 0;
        for (int i = 0; i < 20; i++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("work", UriKind.Relative));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }
            catch (BrokenCircuitException)
            {
                rejected++;
            }
        }

        var attempts = _backends.Sum(b => b.Hits) - before;
        output.WriteLine($"all failing: {attempts} attempts reached the backends, {rejected} calls rejected by the breaker, {budget.TotalRetriesRejected} retries refused");
        Assert.Equal(CircuitState.Open, breaker.CircuitState);
        Assert.Equal(1, pollyEvents.Count(CairnCircuitBreakerEvents.Opened));
        Assert.True(pollyEvents.Count(RetryBudgetEvents.Exhausted) > 0);
        Assert.Equal(10, attempts);
        Assert.True(rejected >= 10, $"{rejected} rejected");

        // 5. Everything recovers: after the break one trial call closes the circuit.
        _backends.ForEach(b => b.Failing = false);
        time.Advance(TimeSpan.FromSeconds(5));
        hits = await SendAsync(client, 30);
        Assert.Equal(30, hits.Sum());
        Assert.Equal(CircuitState.Closed, breaker.CircuitState);
        Assert.Equal(1, pollyEvents.Count(CairnCircuitBreakerEvents.HalfOpened));
        Assert.Equal(1, pollyEvents.Count(CairnCircuitBreakerEvents.Closed));
        Assert.All(endpoints, e => Assert.Equal(0, e.InFlight));
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(string name, TimeProvider time, RetryBudget budget, CairnCircuitBreakerStateProvider breaker)
    {
        static ValueTask<bool> IsFailure(Outcome<HttpResponseMessage> outcome) =>
            new(outcome.Exception is HttpRequestException || (int?)outcome.Result?.StatusCode >= 500);

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time, Name = name };
        builder.ConfigureTelemetry(new Polly.Telemetry.TelemetryOptions());
        return builder
            .AddCairnBudgetedRetry(new CairnBudgetedRetryStrategyOptions<HttpResponseMessage>
            {
                Budget = budget,
                MaxRetryAttempts = 3,
                Delay = TimeSpan.Zero,
                ShouldHandle = args => IsFailure(args.Outcome),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddCairnCircuitBreaker(new CairnCircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(5),
                StateProvider = breaker,
                ShouldHandle = args => IsFailure(args.Outcome),
            })
            .Build();
    }

    private async Task<int[]> SendAsync(HttpClient client, int count)
    {
        var before = _backends.Select(b => b.Hits).ToArray();
        for (int i = 0; i < count; i++)
        {
            using var response = await client.GetAsync(new Uri("work", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var hits = _backends.Select((b, i) => b.Hits - before[i]).ToArray();
        output.WriteLine($"{count} requests -> hits per backend: {string.Join(", ", hits)}");
        return hits;
    }

    private sealed class LoadBalancingMeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<(string Instrument, string Endpoint, string? Result), long> _counts = new();

        public LoadBalancingMeterRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LoadBalancingMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string endpoint = "";
                string? result = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "endpoint")
                    {
                        endpoint = (string)tag.Value!;
                    }
                    else if (tag.Key == "result")
                    {
                        result = (string?)tag.Value;
                    }
                }

                _counts.AddOrUpdate((instrument.Name, endpoint, result), value, (_, n) => n + value);
            });
            _listener.Start();
        }

        public long Ejections(string endpoint) => _counts.GetValueOrDefault((LoadBalancingMetrics.EjectionsCounterName, endpoint, null));

        public long Failures(string endpoint) => _counts.GetValueOrDefault((LoadBalancingMetrics.CallsCounterName, endpoint, "failure"));

        public void Dispose() => _listener.Dispose();
    }
}
