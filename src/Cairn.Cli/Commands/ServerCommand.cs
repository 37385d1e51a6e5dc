using System.CommandLine;
using System.Runtime.InteropServices;
using Cairn.Server;
using Microsoft.Extensions.Logging;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn server</c>: runs one node with etcd-style flags; each flag falls back to a <c>CAIRN_*</c> environment
/// variable, then to the settings file (<see cref="ServerSettings"/>).
/// </summary>
internal static class ServerCommand
{
    private static readonly ServerSetting _name = new("--name", "This member's name.", "n1");
    private static readonly ServerSetting _dataDir = new("--data-dir", "Data directory (write-ahead log, snapshots).", "./.cairn/data/n1");
    private static readonly ServerSetting _clientUrls = new("--listen-client-urls", "Client HTTP address.", "http://127.0.0.1:2379");
    private static readonly ServerSetting _peerUrls = new("--listen-peer-urls", "Peer TCP address.", "http://127.0.0.1:2380");
    private static readonly ServerSetting _cluster = new("--initial-cluster", "name=peerUrl,... of every founding member (with state existing: every current member, this one included).", "n1=http://127.0.0.1:2380");
    private static readonly ServerSetting _state = new("--initial-cluster-state", "new (found a cluster) or existing (join one).", "new");
    private static readonly ServerSetting _grpcUrls = new("--listen-grpc-urls", "gRPC address (cleartext HTTP/2); default: the client port plus 10000.", "");
    private static readonly ServerSetting _heartbeat = new("--heartbeat-interval", "Milliseconds between leader heartbeats (2 ticks); elections start after 5 to 10 of them.", "100");
    private static readonly ServerSetting _snapshotCount = new("--snapshot-count", "Applied entries between snapshots (which compact the log).", "100000");
    private static readonly ServerSetting _retention = new("--auto-compaction-retention", "Revisions of watch history kept by periodic compaction; 0 turns it off.", "100000");
    private static readonly ServerSetting[] _settings = [_name, _dataDir, _clientUrls, _peerUrls, _cluster, _state, _grpcUrls, _heartbeat, _snapshotCount, _retention];

    private static readonly Option<string> _configFile = new("--config-file")
    {
        Description = "Settings file (JSON, settings in its \"Cairn\" section, keys named as the flags without dashes); "
            + "default: ./appsettings.json when it exists. Flags and CAIRN_* variables override it. Environment: CAIRN_CONFIG_FILE.",
    };

    public static Command Create()
    {
        var command = new Command("server", "Run one Cairn node.") { _configFile };
        foreach (var setting in _settings)
        {
            command.Options.Add(setting.Option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            ServerOptions options;
            try
            {
                options = ReadOptions(parse, Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
            }
            catch (Exception e) when (e is ArgumentException or UriFormatException)
            {
                await Console.Error.WriteLineAsync($"cairn server: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            using var loggers = LoggerFactory.Create(logging => logging
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                }));
            // SIGTERM (from a supervisor, systemd, Kubernetes) stops the node as Ctrl+C does.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            var server = new CairnServer(options, loggers);
            await using (server.ConfigureAwait(false))
            {
                await server.StartAsync(stop.Token).ConfigureAwait(false);
                try
                {
                    // Returns only if the node stops on its own: a fatal error, logged by the node.
                    await server.Completion.WaitAsync(stop.Token).ConfigureAwait(false);
                    return 1;
                }
                catch (OperationCanceledException)
                {
                    return 0;
                }
            }
        });
        return command;
    }

    /// <summary>The node's options from the parsed flags, <paramref name="environment"/> and the settings file.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    /// <exception cref="UriFormatException">An address is not a URL.</exception>
    internal static ServerOptions ReadOptions(ParseResult parse, Func<string, string?> environment, string workingDirectory)
    {
        var settings = ServerSettings.Load(parse, _configFile, _settings, environment, workingDirectory);
        var options = new ServerOptions
        {
            Name = settings.Get(_name),
            DataDirectory = settings.Get(_dataDir),
            ClientUrl = new Uri(settings.Get(_clientUrls).Split(',')[0]),
            PeerUrl = new Uri(settings.Get(_peerUrls).Split(',')[0]),
            GrpcUrl = settings.Get(_grpcUrls) is { Length: > 0 } grpc ? new Uri(grpc.Split(',')[0]) : null,
            InitialCluster = settings.Get(_cluster),
            InitialClusterState = settings.Get(_state),
            SnapshotCount = PositiveInt(settings.Get(_snapshotCount), "--snapshot-count"),
            TickInterval = PositiveInt(settings.Get(_heartbeat), "--heartbeat-interval") is var heartbeatMs and >= 2 and <= 20_000
                ? TimeSpan.FromMilliseconds(heartbeatMs / 2.0)
                : throw new ArgumentException("--heartbeat-interval: must be 2 to 20000 milliseconds"),
            AutoCompactionRetention = ulong.TryParse(settings.Get(_retention), out var kept)
                ? kept
                : throw new ArgumentException("--auto-compaction-retention: must be a number of revisions (0 turns it off)"),
        };
        options.ParseInitialCluster();
        return options;
    }

    private static int PositiveInt(string value, string flag) =>
        int.TryParse(value, out var number) && number > 0 ? number : throw new ArgumentException($"{flag}: must be a positive number, not '{value}'");
}
