using System.Net;
using Cairn.Node;
using Cairn.Raft;
using Cairn.Server.Grpc;
using Cairn.State;
using Cairn.State.Watch;
using Cairn.Storage;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Server;

/// <summary>
/// One Cairn server: the write-ahead log, the peer transport, the node runtime and the state machine, and the client
/// HTTP API in front of them. <see cref="StartAsync"/> opens and starts everything; <see cref="DisposeAsync"/> stops it.
/// </summary>
public sealed class CairnServer : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly ILoggerFactory _loggers;
    private WalStorage? _storage;
    private PeerTransport? _transport;
    private NodeHost? _node;
    private WebApplication? _web;
    private WatchHub? _watches;
    private LeaderDuties? _duties;
    private MemberDirectory? _directory;
    private HttpClient? _http;

    /// <summary>Prepares a server; nothing is opened until <see cref="StartAsync"/>.</summary>
    public CairnServer(ServerOptions options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _loggers = loggers;
        Members = options.ParseInitialCluster();
        Self = Members.Single(m => m.Name == options.Name);
    }

    /// <summary>The members named in <c>--initial-cluster</c> (the live list is in the replicated member registry).</summary>
    public IReadOnlyList<ClusterMember> Members { get; }

    /// <summary>This member.</summary>
    public ClusterMember Self { get; }

    /// <summary>The node runtime (after start).</summary>
    public NodeHost Node => _node ?? throw new InvalidOperationException("not started");

    /// <summary>The address the client API listens on (after start; port 0 resolved).</summary>
    public Uri? ClientUrl { get; private set; }

    /// <summary>The address the gRPC API listens on (after start; port 0 resolved).</summary>
    public Uri? GrpcUrl { get; private set; }

    /// <summary>Completes when the node stops on its own (fatal error).</summary>
    public Task Completion => Node.Completion;

    /// <summary>Opens the data directory, joins the peers and starts serving clients.</summary>
    /// <exception cref="StorageCorruptionException">The data directory is damaged (see docs/storage.md).</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = _loggers.CreateLogger<CairnServer>();
        Directory.CreateDirectory(_options.DataDirectory);
        _storage = WalStorage.Open(Path.Combine(_options.DataDirectory, "wal"));
        foreach (var warning in _storage.RecoveryWarnings)
        {
            logger.LogWarning("storage recovery: {Warning}", warning);
        }

        if (_storage.LastIndex == LogIndex.Zero && _storage.Snapshot.IsEmpty && _options.InitialClusterState == "new")
        {
            RaftNode.Bootstrap(_storage, [.. Members.Select(m => new NodeId(m.Id))]);
        }

        _transport = PeerTransport.Start(
            new PeerTransportOptions
            {
                LocalId = new NodeId(Self.Id),
                ClusterId = _options.ClusterToken,
                ListenEndPoint = new IPEndPoint(ResolveHost(Self.PeerUrl.Host), Self.PeerUrl.Port),
                RandomSeed = Self.Id,
            },
            _loggers.CreateLogger<PeerTransport>());
        _watches = new WatchHub();
        var machine = new ReplicatedStateMachine(new StateMachine(), _watches);
        var nodeOptions = new NodeOptions
        {
            Raft = new RaftOptions { Id = new NodeId(Self.Id), ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 2 },
            TickInterval = _options.TickInterval,
            SnapshotEveryEntries = _options.SnapshotCount,
        };
        var transport = _transport;
        _node = new NodeHost(nodeOptions, _storage, machine, m => transport.Send(m), transport.Received,
            Self.Id ^ (ulong)Environment.TickCount64, TimeProvider.System, _loggers.CreateLogger<NodeHost>());
        _node.Start();
        // A new leader extends leases by one maximum election timeout (2 × 10 ticks), so failover never expires one early.
        var leaderClock = new LeaderClock(TimeProvider.System);
        _duties = new LeaderDuties(_node, machine, TimeProvider.System, leaderClock, _options.TickInterval * 20, _options.AutoCompactionRetention, logger);
        _duties.Start();

        _http = new HttpClient { Timeout = _options.RequestTimeout };
        _directory = new MemberDirectory(_node, machine, _transport, Members, Self, _http, _loggers.CreateLogger<MemberDirectory>());
        var gateway = new CommandGateway(_node, machine, leaderClock, _options.RequestTimeout);

        // The host reads no configuration file of its own (Cairn's settings are its options) and watches none: its
        // default watcher covers the working directory recursively, where `cairn up` keeps the data, and woke on every
        // log write (1.3-2.1% of all CPU samples per server with 64 writing clients, docs/benchmarks.md).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggers);
        builder.Services.AddSingleton(_node).AddSingleton(gateway).AddSingleton(_directory).AddSingleton(_watches).AddSingleton<GrpcOutcomes>();
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = ClientApi.MaxValueBytes + (64 * 1024));
        builder.Services.AddOpenApi();
        // The JSON API over HTTP/1.1 on the client URL; gRPC over cleartext HTTP/2 on its own URL, because without TLS
        // (no ALPN) one port cannot offer both.
        var grpcUrl = _options.GrpcUrlOrDefault;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(ResolveHost(_options.ClientUrl.Host), _options.ClientUrl.Port, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(ResolveHost(grpcUrl.Host), grpcUrl.Port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        _web = builder.Build();
        // Bodies stay rewindable (in memory up to the largest value) so a follower can relay them to the leader.
        _web.Use((context, next) =>
        {
            if (!GrpcOutcomes.IsGrpc(context.Request))
            {
                context.Request.EnableBuffering(bufferThreshold: ClientApi.MaxValueBytes + 4096);
            }

            return next(context);
        });
        new ClientApi(this, gateway, _watches, _directory, new LeaderRelay(_http, _directory, Self.Name)).Map(_web);
        _web.MapOpenApi();
        _web.MapGrpcService<KvGrpcService>();
        _web.MapGrpcService<LeaseGrpcService>();
        _web.MapGrpcService<WatchGrpcService>();
        _web.MapGrpcService<SessionGrpcService>();
        _web.MapGrpcService<ClusterGrpcService>();
        await _web.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = _web.Urls.ToArray();
        ClientUrl = new Uri(addresses[0]);
        GrpcUrl = new Uri(addresses[1]);
        _directory.Start(ClientUrl);
        logger.LogInformation("cairn {Name} (id {Id}) serving clients on {ClientUrl} (gRPC {GrpcUrl}), peers on {PeerUrl}", Self.Name, Self.Id, ClientUrl, GrpcUrl, Self.PeerUrl);
    }

    /// <summary>Stops serving, stops the node, closes the transport and the log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.DisposeAsync().ConfigureAwait(false);
        }

        if (_directory is not null)
        {
            await _directory.DisposeAsync().ConfigureAwait(false);
        }

        _http?.Dispose();
        if (_duties is not null)
        {
            await _duties.DisposeAsync().ConfigureAwait(false);
        }

        if (_node is not null)
        {
            await _node.DisposeAsync().ConfigureAwait(false);
        }

        if (_transport is not null)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }

        _watches?.Dispose();
        _storage?.Dispose();
    }

    internal static IPAddress ResolveHost(string host) =>
        host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var address) ? address : Dns.GetHostAddresses(host)[0];
}
