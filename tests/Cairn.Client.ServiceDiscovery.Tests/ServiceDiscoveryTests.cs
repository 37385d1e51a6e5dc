using Cairn.Client.LoadBalancing;
using Cairn.Client.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;

namespace Cairn.Client.ServiceDiscovery.Tests;

/// <summary>
/// <c>http://orders/</c> resolved through Microsoft.Extensions.ServiceDiscovery and Cairn's provider, with a real
/// <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/> against three Kestrel backends on loopback.
/// </summary>
public sealed class ServiceDiscoveryTests : IAsyncLifetime
{
    private readonly List<TestBackend> _backends = [];
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        for (int i = 0; i < 3; i++)
        {
            _backends.Add(await TestBackend.StartAsync());
        }
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_to_the_service_name_reach_every_healthy_endpoint()
    {
        var (client, _, _) = Build();

        var hits = await SendAsync(client, 30);

        // Service discovery's own selection is round robin over the resolved list.
        Assert.Equal([10, 10, 10], hits);
    }

    [Fact]
    public async Task An_endpoint_marked_unhealthy_gets_no_traffic_until_it_is_healthy_again()
    {
        var (client, source, endpoints) = Build();
        await SendAsync(client, 3);

        source.SetHealthy(endpoints[1], false);
        var hits = await SendAsync(client, 20);
        Assert.Equal(0, hits[1]);
        Assert.Equal(20, hits[0] + hits[2]);

        source.SetHealthy(endpoints[1], true);
        hits = await SendAsync(client, 30);
        Assert.Equal([10, 10, 10], hits);
    }

    [Fact]
    public async Task A_new_endpoint_list_is_used_as_soon_as_it_is_set()
    {
        var (client, source, endpoints) = Build(initial: 1);
        var first = await SendAsync(client, 6);
        Assert.Equal([6, 0, 0], first);

        source.SetEndpoints([endpoints[0], new BackendEndpoint(_backends[2].Address)]);

        var second = await SendAsync(client, 6);
        Assert.Equal([3, 0, 3], second);
    }

    [Fact]
    public async Task With_no_healthy_endpoint_the_request_fails_instead_of_going_to_the_bare_name()
    {
        var (client, source, endpoints) = Build();
        foreach (var endpoint in endpoints)
        {
            source.SetHealthy(endpoint, false);
        }

        await Assert.ThrowsAsync<NoAvailableEndpointException>(() => client.GetAsync("/work"));
        Assert.All(_backends, b => Assert.Equal(0, b.Hits));

        source.SetHealthy(endpoints[2], true);
        using var response = await client.GetAsync("/work");
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(1, _backends[2].Hits);
    }

    [Fact]
    public async Task Only_registered_names_are_claimed_and_schemes_are_filtered()
    {
        var source = new StaticEndpointSource([new BackendEndpoint(new Uri("http://127.0.0.1:1/")), new BackendEndpoint(new Uri("https://127.0.0.1:2/"))]);
        _services = new ServiceCollection().AddCairnEndpointSource("Orders", source).BuildServiceProvider();
        var factory = _services.GetServices<IServiceEndpointProviderFactory>().OfType<CairnServiceEndpointProviderFactory>().Single();

        Assert.False(factory.TryCreateProvider(Query("http://payments"), out _));
        Assert.True(factory.TryCreateProvider(Query("https://orders"), out var provider));
        var builder = new TestEndpointBuilder();
        await provider.PopulateAsync(builder, CancellationToken.None);

        var endpoint = Assert.Single(builder.Endpoints);
        Assert.Equal(new Uri("https://127.0.0.1:2"), Assert.IsType<UriEndPoint>(endpoint.EndPoint).Uri);
        Assert.Same(source.Endpoints[1], endpoint.Features.Get<BackendEndpoint>());
        var token = Assert.Single(builder.ChangeTokens);
        Assert.False(token.HasChanged);
        var fired = 0;
        using (token.RegisterChangeCallback(_ => fired++, null))
        {
            source.SetHealthy(source.Endpoints[0], false);
            source.SetHealthy(source.Endpoints[0], true);
        }

        Assert.True(token.HasChanged);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void A_service_name_registered_twice_is_an_error()
    {
        var source = new StaticEndpointSource([new BackendEndpoint(new Uri("http://127.0.0.1:1/"))]);
        _services = new ServiceCollection().AddCairnEndpointSource("orders", source).AddCairnEndpointSource("ORDERS", source).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => _services.GetServices<IServiceEndpointProviderFactory>().ToList());
        Assert.Contains("ORDERS", error.Message, StringComparison.Ordinal);
    }

    private static ServiceEndpointQuery Query(string name)
    {
        Assert.True(ServiceEndpointQuery.TryParse(name, out var query));
        return query;
    }

    private (HttpClient Client, StaticEndpointSource Source, BackendEndpoint[] Endpoints) Build(int initial = 3)
    {
        var endpoints = _backends.Select(b => new BackendEndpoint(b.Address)).ToArray();
        var source = new StaticEndpointSource(endpoints.Take(initial));
        var services = new ServiceCollection();
        services.AddCairnEndpointSource("orders", source);
        services.AddHttpClient("orders", c => c.BaseAddress = new Uri("http://orders/")).AddServiceDiscovery();
        _services = services.BuildServiceProvider();
        return (_services.GetRequiredService<IHttpClientFactory>().CreateClient("orders"), source, endpoints);
    }

    private async Task<int[]> SendAsync(HttpClient client, int count)
    {
        var before = _backends.Select(b => b.Hits).ToArray();
        for (int i = 0; i < count; i++)
        {
            using var response = await client.GetAsync("/work");
            response.EnsureSuccessStatusCode();
        }

        return [.. _backends.Select((b, i) => b.Hits - before[i])];
    }

    private sealed class TestEndpointBuilder : IServiceEndpointBuilder
    {
        public List<Microsoft.Extensions.Primitives.IChangeToken> ChangeTokens { get; } = [];

        public IList<ServiceEndpoint> Endpoints { get; } = [];

        public Microsoft.AspNetCore.Http.Features.IFeatureCollection Features { get; } = new Microsoft.AspNetCore.Http.Features.FeatureCollection();

        public void AddChangeToken(Microsoft.Extensions.Primitives.IChangeToken changeToken) => ChangeTokens.Add(changeToken);
    }
}
