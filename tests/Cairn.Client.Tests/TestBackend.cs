using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.Client.Tests;

/// <summary>A Kestrel backend on an ephemeral loopback port that answers 200, or 503 while <see cref="Failing"/>.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;
    private volatile bool _failing;

    private TestBackend(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public int Hits => Volatile.Read(ref _hits);

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public static async Task<TestBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var backend = new TestBackend(app);
        app.MapGet("/work", () =>
        {
            Interlocked.Increment(ref backend._hits);
            return backend._failing ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Text("ok");
        });
        await app.StartAsync();
        backend.Address = new Uri(app.Urls.Single());
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
