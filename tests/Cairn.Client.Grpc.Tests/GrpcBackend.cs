using Cairn.Client.Grpc.Tests.Protos;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Client.Grpc.Tests;

/// <summary>
/// A gRPC service on Kestrel (HTTP/2 without TLS) on an ephemeral loopback port. It answers with its name, or with
/// <c>UNAVAILABLE</c> while <see cref="Failing"/> is set.
/// </summary>
public sealed class GrpcBackend : IAsyncDisposable
{
    private WebApplication? _app;
    private int _hits;
    private volatile bool _failing;

    private GrpcBackend(string name) => Name = name;

    public string Name { get; }

    public Uri Address { get; private set; } = null!;

    public int Hits => Volatile.Read(ref _hits);

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public static async Task<GrpcBackend> StartAsync(string name)
    {
        var backend = new GrpcBackend(name);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(backend);
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        await app.StartAsync();
        backend._app = app;
        backend.Address = new Uri(app.Urls.Single());
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    internal CallReply Serve()
    {
        Interlocked.Increment(ref _hits);
        return _failing ? throw new RpcException(new Status(StatusCode.Unavailable, $"{Name} is failing")) : new CallReply { Backend = Name };
    }

    private sealed class EchoService(GrpcBackend backend) : Echo.EchoBase
    {
        public override Task<CallReply> Call(CallRequest request, ServerCallContext context) => Task.FromResult(backend.Serve());
    }
}
