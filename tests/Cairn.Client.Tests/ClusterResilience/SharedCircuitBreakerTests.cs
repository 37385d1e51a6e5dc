using System.Diagnostics;
using Cairn.Client.Cluster;
using Cairn.Client.Tests.Cluster;
using Cairn.Resilience.CircuitBreaker;
using Cairn.Resilience.Cluster.CircuitBreaker;
using Cairn.TestKit;
using Polly;
using Polly.CircuitBreaker;
using Xunit.Abstractions;

namespace Cairn.Client.Tests.ClusterResilience;

/// <summary>
/// The shared circuit breaker against a real in-process cluster: several instances (each its own client, circuit and
/// pipeline) of one dependency, under a key prefix of their own per test.
/// </summary>
[Collection(ClusterResilienceCollection.Name)]
public sealed class SharedCircuitBreakerTests(SharedClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(5);
    private readonly string _prefix = $"test/{Guid.NewGuid():N}/breakers/";

    [Fact]
    public async Task Two_instances_reporting_open_the_shared_circuit_of_a_third_within_a_second()
    {
        await using var a = await StartAsync("a");
        await using var b = await StartAsync("b");
        await using var c = await StartAsync("c");
        using var events = new PollyEventRecorder(c.PipelineName);

        await a.TripAsync();
        await Poll.UntilAsync(() => c.Circuit.Reporters.SequenceEqual(["a"]), "c to see a's report", _deadline);
        Assert.Null(await c.CallAsync());

        await b.TripAsync();
        var sinceOpened = Stopwatch.StartNew();
        await Poll.UntilAsync(async () => await c.CallAsync() is SharedCircuitOpenException, "c to reject calls", TimeSpan.FromSeconds(1));
        output.WriteLine($"c rejected calls {sinceOpened.ElapsedMilliseconds} ms after b's breaker opened");

        var rejection = Assert.IsType<SharedCircuitOpenException>(await c.CallAsync());
        Assert.Equal(("payments", 2, 2), (rejection.Dependency, rejection.Reporters, rejection.Threshold));
        Assert.True(rejection.RetryAfter > TimeSpan.Zero);
        Assert.True(c.Circuit.IsOpen);
        Assert.False(c.Circuit.IsReporting);

        // The fleet holds the gate; c's own breaker keeps its own state and logic.
        Assert.Equal(CircuitState.Closed, c.State.CircuitState);
        await Poll.UntilAsync(() => events.Count(SharedCircuitBreakerEvents.Opened) == 1, "the opened event", _deadline);
    }

    [Fact]
    public async Task One_instance_alone_opens_no_other_instance_s_breaker()
    {
        await using var a = await StartAsync("a");
        await using var b = await StartAsync("b");
        await using var c = await StartAsync("c");

        await a.TripAsync();
        await Poll.UntilAsync(() => c.Circuit.Reporters.SequenceEqual(["a"]) && b.Circuit.Reporters.SequenceEqual(["a"]), "b and c to see a's report", _deadline);

        Assert.True(a.Circuit.IsReporting);
        Assert.Equal(2, c.Circuit.Threshold);
        Assert.False(c.Circuit.IsOpen);
        Assert.Null(await b.CallAsync());
        Assert.Null(await c.CallAsync());

        // a itself rejects on its own breaker's evidence, not the fleet's.
        Assert.IsType<BrokenCircuitException>(await a.CallAsync());
    }

    [Fact]
    public async Task The_others_close_again_when_a_reporter_s_breaker_closes()
    {
        await using var a = await StartAsync("a", breakDuration: TimeSpan.FromSeconds(30));
        await using var b = await StartAsync("b", breakDuration: TimeSpan.FromSeconds(30));
        await using var c = await StartAsync("c");
        using var events = new PollyEventRecorder(c.PipelineName);

        await a.TripAsync();
        await b.TripAsync();
        await Poll.UntilAsync(async () => await c.CallAsync() is SharedCircuitOpenException, "c to reject calls", _deadline);

        await a.Control.CloseAsync();
        Assert.False(a.Circuit.IsReporting);
        await Poll.UntilAsync(async () => await c.CallAsync() is null, "c to accept calls again", _deadline);

        Assert.Equal(["b"], c.Circuit.Reporters);
        Assert.False(c.Circuit.IsOpen);
        await Poll.UntilAsync(() => events.Count(SharedCircuitBreakerEvents.Closed) == 1, "the closed event", _deadline);
    }

    [Fact]
    public async Task The_others_close_again_when_the_reporters_leases_expire()
    {
        await using var a = await StartAsync("a", breakDuration: TimeSpan.FromSeconds(1));
        await using var b = await StartAsync("b", breakDuration: TimeSpan.FromSeconds(1));
        await using var c = await StartAsync("c");

        await a.TripAsync();
        await b.TripAsync();
        await Poll.UntilAsync(async () => await c.CallAsync() is SharedCircuitOpenException, "c to reject calls", _deadline);

        // Nobody renews (no call reaches a's or b's breaker again), so the 1 s leases run out and the cluster deletes
        // the reports; c sees the deletes (its own 1 s local expiry would close it too).
        var since = Stopwatch.StartNew();
        await Poll.UntilAsync(async () => await c.CallAsync() is null, "c to accept calls again", _deadline);
        output.WriteLine($"c accepted calls again {since.ElapsedMilliseconds} ms later");
        await Poll.UntilAsync(async () => (await c.Client.RangeAsync($"{_prefix}payments/reports/")).Kvs.Count == 0, "the reports to be deleted", _deadline);
        await Poll.UntilAsync(() => c.Circuit.Reporters.Count == 0, "c to see the deletes", _deadline);

        // The reporters' own breakers keep their own logic: once a's break has elapsed on its own clock (the cluster
        // counts lease time in 100 ms steps, so the report may go a little earlier) a trial call closes it.
        await Poll.UntilAsync(async () => await a.CallAsync() is null, "a's breaker to admit a trial", _deadline);
        Assert.Equal(CircuitState.Closed, a.State.CircuitState);
    }

    [Fact]
    public async Task With_a_reporter_ratio_the_threshold_follows_the_known_instances()
    {
        var instances = new List<Instance>();
        try
        {
            foreach (var id in new[] { "a", "b", "c", "d" })
            {
                instances.Add(await StartAsync(id, minimumReporters: 1, ratio: 0.75));
            }

            var (a, b, c, d) = (instances[0], instances[1], instances[2], instances[3]);
            await Poll.UntilAsync(() => d.Circuit.KnownInstances == 4, "d to know the four members", _deadline);

            await a.TripAsync();
            await b.TripAsync();
            await Poll.UntilAsync(() => d.Circuit.Reporters.Count == 2, "d to see two reports", _deadline);
            Assert.Equal(3, d.Circuit.Threshold);
            Assert.Null(await d.CallAsync());

            await c.TripAsync();
            await Poll.UntilAsync(async () => await d.CallAsync() is SharedCircuitOpenException, "d to reject calls", _deadline);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    private async Task<Instance> StartAsync(string id, TimeSpan? breakDuration = null, int minimumReporters = 2, double ratio = 0)
    {
        var client = fixture.Cluster.Client();
        var circuit = new SharedCircuit(client, new SharedCircuitOptions
        {
            Dependency = "payments",
            InstanceId = id,
            MinimumReporters = minimumReporters,
            MinimumReporterRatio = ratio,
            KeyPrefix = _prefix,
            OnError = e => output.WriteLine($"{id}: {e.GetType().Name}: {e.Message}"),
        });
        var instance = new Instance(client, circuit, $"shared-{id}-{Guid.NewGuid():N}");
        var builder = new ResiliencePipelineBuilder { Name = instance.PipelineName };
        builder.AddCairnSharedCircuitBreaker(new CairnSharedCircuitBreakerStrategyOptions
        {
            SharedCircuit = circuit,
            FailureRatio = 0.5,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = breakDuration ?? TimeSpan.FromSeconds(10),
            ManualControl = instance.Control,
            StateProvider = instance.State,
        });
        builder.ConfigureTelemetry(new Polly.Telemetry.TelemetryOptions());
        instance.Pipeline = builder.Build();
        await circuit.Synchronized.WaitAsync(_deadline);
        return instance;
    }

    private sealed class Instance(CairnClient client, SharedCircuit circuit, string pipelineName) : IAsyncDisposable
    {
        public CairnClient Client { get; } = client;

        public SharedCircuit Circuit { get; } = circuit;

        public string PipelineName { get; } = pipelineName;

        public CairnCircuitBreakerManualControl Control { get; } = new();

        public CairnCircuitBreakerStateProvider State { get; } = new();

        public ResiliencePipeline Pipeline { get; set; } = ResiliencePipeline.Empty;

        /// <summary>Two failed calls: the local breaker opens (minimum throughput 2, failure ratio 0.5).</summary>
        public async Task TripAsync()
        {
            for (var i = 0; i < 2; i++)
            {
                await Assert.ThrowsAsync<InvalidOperationException>(async () =>
                    await Pipeline.ExecuteAsync(static _ => ValueTask.FromException(new InvalidOperationException("the dependency is down"))));
            }

            Assert.Equal(CircuitState.Open, State.CircuitState);
        }

        /// <summary>One successful call through the pipeline: null when it ran, else the rejection.</summary>
        public async Task<Exception?> CallAsync()
        {
            try
            {
                await Pipeline.ExecuteAsync(static _ => ValueTask.CompletedTask);
                return null;
            }
            catch (ExecutionRejectedException e)
            {
                return e;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Circuit.DisposeAsync();
            await Client.DisposeAsync();
        }
    }
}
