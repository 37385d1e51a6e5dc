using System.Net;
using Cairn.Client.LoadBalancing;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Client.Tests;

public sealed class LoadBalancingHandlerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Rewrites_scheme_host_and_port_and_keeps_path_and_query()
    {
        var endpoint = new BackendEndpoint(new Uri("https://10.1.2.3:8443/ignored/"));
        var stub = new StubHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)));
        using var client = Client([endpoint], stub);

        using var response = await client.GetAsync(new Uri("orders/42?x=1", UriKind.Relative));

        Assert.Equal(new Uri("https://10.1.2.3:8443/orders/42?x=1"), stub.Seen.Single());
        Assert.Same(endpoint, response.RequestMessage!.Options.TryGetValue(LoadBalancingHandler.EndpointOption, out var used) ? used : null);
        Assert.Equal(1, endpoint.TotalRequests);
        Assert.Equal(0, endpoint.TotalFailures);
    }

    [Fact]
    public async Task Server_errors_and_exceptions_count_as_failures_and_release_the_lease()
    {
        var endpoint = new BackendEndpoint(new Uri("http://10.0.0.1:80/"));
        var calls = 0;
        var stub = new StubHandler((_, _) => ++calls == 1
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))
            : Task.FromException<HttpResponseMessage>(new HttpRequestException("refused")));
        using var client = Client([endpoint], stub);

        using var first = await client.GetAsync(new Uri("a", UriKind.Relative));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("b", UriKind.Relative)));

        Assert.Equal(2, endpoint.TotalFailures);
        Assert.Equal(0, endpoint.InFlight);
    }

    [Fact]
    public async Task Caller_cancellation_is_ignored_by_passive_health()
    {
        var endpoint = new BackendEndpoint(new Uri("http://10.0.0.1:80/"));
        var stub = new StubHandler(async (_, token) => { await Task.Delay(Timeout.Infinite, token); return new HttpResponseMessage(); });
        using var client = Client([endpoint], stub);
        using var cts = new CancellationTokenSource();

        var call = client.GetAsync(new Uri("a", UriKind.Relative), cts.Token);
        Assert.Equal(1, endpoint.InFlight);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.Equal(0, endpoint.InFlight);
        Assert.Equal(0, endpoint.TotalFailures);
        Assert.Equal(1, endpoint.TotalRequests);
    }

    [Fact]
    public async Task No_available_endpoint_fails_the_request_clearly()
    {
        var endpoint = new BackendEndpoint(new Uri("http://10.0.0.1:80/"));
        var source = new StaticEndpointSource([endpoint]);
        source.SetHealthy(endpoint, false);
        using var client = new HttpClient(new LoadBalancingHandler(new LoadBalancer(source, timeProvider: _time)) { InnerHandler = new StubHandler((_, _) => Task.FromResult(new HttpResponseMessage())) })
        {
            BaseAddress = new Uri("http://orders/"),
        };

        await Assert.ThrowsAsync<NoAvailableEndpointException>(() => client.GetAsync(new Uri("a", UriKind.Relative)));
    }

    private HttpClient Client(BackendEndpoint[] endpoints, HttpMessageHandler inner) =>
        new(new LoadBalancingHandler(new LoadBalancer(new StaticEndpointSource(endpoints), timeProvider: _time)) { InnerHandler = inner })
        {
            BaseAddress = new Uri("http://orders/"),
        };
}
