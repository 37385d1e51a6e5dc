using Cairn.Client.Grpc.Tests.Protos;
using Cairn.Client.LoadBalancing;
using Cairn.TestKit;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Cairn.Client.Grpc.Tests;

/// <summary>
/// A real gRPC channel (<c>cairn:///echo</c>) over Cairn's resolver and load balancer, against three gRPC services
/// on Kestrel on loopback. Ejection time runs on a fake clock; only the calls are real.
/// </summary>
public sealed class GrpcLoadBalancingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Seed = 20_261_126;
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(20);
    private readonly List<GrpcBackend> _backends = [];
    private readonly List<IAsyncDisposable> _disposables = [];

    public async Task InitializeAsync()
    {
        for (int i = 0; i < 3; i++)
        {
            _backends.Add(await GrpcBackend.StartAsync($"b{i}"));
        }

        output.WriteLine($"seed {Seed}; backends {string.Join(", ", _backends.Select(b => b.Address))}");
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task Round_robin_spreads_calls_evenly_across_three_backends()
    {
        var (client, _, endpoints) = Build(() => new RoundRobinPicker());
        await WarmUpAsync(client);

        var hits = await CallAsync(client, 90);

        Assert.Equal([30, 30, 30], hits);
        Assert.All(endpoints, e => Assert.Equal(0, e.InFlight));
    }

    [Fact]
    public async Task Power_of_two_choices_by_default_gives_every_backend_a_share()
    {
        var (client, _, _) = Build(picker: null);
        await WarmUpAsync(client);

        var hits = await CallAsync(client, 90);

        Assert.All(hits, h => Assert.True(h >= 10, $"hits per backend: {string.Join(", ", hits)}"));
    }

    [Fact]
    public async Task A_backend_failing_with_unavailable_is_ejected_after_consecutive_failures_and_returns_after_reactivation()
    {
        var time = new FakeTimeProvider();
        var (client, _, endpoints) = Build(() => new RoundRobinPicker(), time);
        await WarmUpAsync(client);
        var failing = _backends[1];

        failing.Failing = true;
        var failures = 0;
        var hits = await CallAsync(client, 60, onFailure: () => failures++);

        // Three failures in a row eject it (round robin sends it every third call); the rest go to the others.
        Assert.Equal(3, hits[1]);
        Assert.Equal(3, failures);
        Assert.Equal(57, hits[0] + hits[2]);
        Assert.Equal(1, endpoints[1].TotalEjections);
        Assert.Equal(3, endpoints[1].TotalFailures);

        failing.Failing = false;
        time.Advance(TimeSpan.FromSeconds(31));
        hits = await CallAsync(client, 30);

        Assert.Equal([10, 10, 10], hits);
        Assert.All(endpoints, e => Assert.Equal(0, e.InFlight));
    }

    [Fact]
    public async Task An_endpoint_marked_unhealthy_in_the_source_is_dropped_and_comes_back()
    {
        var (client, source, endpoints) = Build(() => new RoundRobinPicker());
        await WarmUpAsync(client);

        source.SetHealthy(endpoints[2], false);
        var hits = await CallAsync(client, 30);
        Assert.Equal(0, hits[2]);

        source.SetHealthy(endpoints[2], true);
        await Poll.UntilAsync(async () => (await CallAsync(client, 3))[2] > 0, "the healthy endpoint to get calls again", _deadline);
    }

    [Fact]
    public async Task Without_the_failure_handler_only_transport_errors_count_so_an_unavailable_backend_is_not_ejected()
    {
        var (client, _, endpoints) = Build(() => new RoundRobinPicker(), handler: new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        await WarmUpAsync(client);

        _backends[0].Failing = true;
        var hits = await CallAsync(client, 30, onFailure: () => { });

        Assert.Equal(10, hits[0]);
        Assert.Equal(0, endpoints[0].TotalEjections);
    }

    private (Echo.EchoClient Client, StaticEndpointSource Source, BackendEndpoint[] Endpoints) Build(
        Func<EndpointPicker>? picker, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        var endpoints = _backends.Select(b => new BackendEndpoint(b.Address)).ToArray();
        var source = new StaticEndpointSource(endpoints);
        var services = new ServiceCollection()
            .AddCairnGrpcEndpointSource("echo", source)
            .AddCairnGrpcLoadBalancer(new CairnGrpcLoadBalancerOptions
            {
                PickerFactory = picker ?? (() => new PowerOfTwoChoicesPicker(new SeededRandom(Seed).Next)),
                OutlierDetection = new OutlierDetectionOptions { ConsecutiveFailures = 3, ReactivationPeriod = TimeSpan.FromSeconds(30) },
                TimeProvider = time,
            })
            .BuildServiceProvider();
        var channel = GrpcChannel.ForAddress("cairn:///echo", new GrpcChannelOptions
        {
            ServiceProvider = services,
            Credentials = ChannelCredentials.Insecure,
            HttpHandler = handler ?? new GrpcEndpointFailureHandler(),
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new LoadBalancingConfig(CairnGrpcLoadBalancerOptions.DefaultPolicyName) } },
        });
        _disposables.Add(new Disposer(channel, services));
        return (new Echo.EchoClient(channel), source, endpoints);
    }

    /// <summary>Calls until every backend has answered once: subchannels connect in the background.</summary>
    private async Task WarmUpAsync(Echo.EchoClient client)
    {
        var seen = new HashSet<string>();
        await Poll.UntilAsync(
            async () =>
            {
                seen.Add((await client.CallAsync(new CallRequest())).Backend);
                return seen.Count == _backends.Count;
            },
            "every backend to be connected",
            _deadline,
            TimeSpan.FromMilliseconds(1));
    }

    private async Task<int[]> CallAsync(Echo.EchoClient client, int count, Action? onFailure = null)
    {
        var before = _backends.Select(b => b.Hits).ToArray();
        for (int i = 0; i < count; i++)
        {
            try
            {
                await client.CallAsync(new CallRequest(), deadline: DateTime.UtcNow + _deadline);
            }
            catch (RpcException e) when (onFailure is not null && e.StatusCode == StatusCode.Unavailable)
            {
                onFailure();
            }
        }

        return [.. _backends.Select((b, i) => b.Hits - before[i])];
    }

    private sealed class Disposer(GrpcChannel channel, ServiceProvider services) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            channel.Dispose();
            await services.DisposeAsync();
        }
    }
}
