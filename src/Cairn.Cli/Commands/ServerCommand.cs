using System.CommandLine;
using System.Runtime.InteropServices;
using Cairn.Server;
using Microsoft.Extensions.Logging;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn server</c>: runs one node with etcd-style flags; each flag falls back to a <c>CAIRN_*</c> environment variable.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var name = Flag("--name", "CAIRN_NAME", "This member's name.", "n1");
        var dataDir = Flag("--data-dir", "CAIRN_DATA_DIR", "Data directory (write-ahead log, snapshots).", "./.cairn/data/n1");
        var clientUrls = Flag("--listen-client-urls", "CAIRN_LISTEN_CLIENT_URLS", "Client HTTP address.", "http://127.0.0.1:2379");
        var peerUrls = Flag("--listen-peer-urls", "CAIRN_LISTEN_PEER_URLS", "Peer TCP address.", "http://127.0.0.1:2380");
        var cluster = Flag("--initial-cluster", "CAIRN_INITIAL_CLUSTER", "name=peerUrl,... of every founding member (with state existing: every current member, this one included).", "n1=http://127.0.0.1:2380");
        var state = Flag("--initial-cluster-state", "CAIRN_INITIAL_CLUSTER_STATE", "new (found a cluster) or existing (join one).", "new");
        var grpcUrls = Flag("--listen-grpc-urls", "CAIRN_LISTEN_GRPC_URLS", "gRPC address (cleartext HTTP/2); default: the client port plus 10000.", "");
        var heartbeat = Flag("--heartbeat-interval", "CAIRN_HEARTBEAT_INTERVAL", "Milliseconds between leader heartbeats (2 ticks); elections start after 5 to 10 of them.", "100");
        var snapshotCount = Flag("--snapshot-count", "CAIRN_SNAPSHOT_COUNT", "Applied entries between snapshots (which compact the log).", "100000");
        var retention = Flag("--auto-compaction-retention", "CAIRN_AUTO_COMPACTION_RETENTION", "Revisions of watch history kept by periodic compaction; 0 turns it off.", "100000");
        var command = new Command("server", "Run one Cairn node.") { name, dataDir, clientUrls, peerUrls, grpcUrls, cluster, state, heartbeat, snapshotCount, retention };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ServerOptions options;
            try
            {
                options = new ServerOptions
                {
                    Name = parse.GetValue(name)!,
                    DataDirectory = parse.GetValue(dataDir)!,
                    ClientUrl = new Uri(parse.GetValue(clientUrls)!.Split(',')[0]),
                    PeerUrl = new Uri(parse.GetValue(peerUrls)!.Split(',')[0]),
                    GrpcUrl = parse.GetValue(grpcUrls) is { Length: > 0 } grpc ? new Uri(grpc.Split(',')[0]) : null,
                    InitialCluster = parse.GetValue(cluster)!,
                    InitialClusterState = parse.GetValue(state)!,
                    SnapshotCount = PositiveInt(parse.GetValue(snapshotCount)!, "--snapshot-count"),
                    TickInterval = PositiveInt(parse.GetValue(heartbeat)!, "--heartbeat-interval") is var heartbeatMs and >= 2 and <= 20_000
                        ? TimeSpan.FromMilliseconds(heartbeatMs / 2.0)
                        : throw new ArgumentException("--heartbeat-interval: must be 2 to 20000 milliseconds"),
                    AutoCompactionRetention = ulong.TryParse(parse.GetValue(retention), out var kept)
                        ? kept
                        : throw new ArgumentException("--auto-compaction-retention: must be a number of revisions (0 turns it off)"),
                };
                options.ParseInitialCluster();
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

    private static int PositiveInt(string value, string flag) =>
        int.TryParse(value, out var number) && number > 0 ? number : throw new ArgumentException($"{flag}: must be a positive number, not '{value}'");

    private static Option<string> Flag(string flag, string environment, string description, string fallback) => new(flag)
    {
        Description = $"{description} Environment: {environment}.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(environment) ?? fallback,
    };
}
