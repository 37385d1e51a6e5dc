using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Cairn.Client.Cluster;
using Cairn.Raft;
using Cairn.Server;
using Cairn.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Client.Tests.Cluster;

/// <summary>
/// Real Cairn servers in this process: loopback, client ports chosen by the OS (port 0), peer ports picked free just
/// before start, data in a temporary directory deleted on dispose. A stopped server stays stopped. Waits poll with a
/// deadline; nothing sleeps.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly string _home = Directory.CreateTempSubdirectory("cairn-client-test-").FullName;
    private readonly CairnServer?[] _servers;
    private readonly Uri[] _clientUrls;

    private InProcessCluster(int size)
    {
        _servers = new CairnServer?[size];
        _clientUrls = new Uri[size];
    }

    public int Size => _servers.Length;

    /// <summary>Every server's client URL, in index order (a stopped server's too).</summary>
    public IReadOnlyList<Uri> Endpoints => _clientUrls;

    public static async Task<InProcessCluster> StartAsync(int size)
    {
        // Peer ports are picked free and bound a moment later by the servers; another test (or an outgoing connection
        // given that ephemeral port) can take one in between. Then start over with fresh ports.
        for (var attempt = 1; ; attempt++)
        {
            var cluster = new InProcessCluster(size);
            try
            {
                await cluster.StartServersAsync();
                return cluster;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 3)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    /// <summary>The index of the server that leads, once one does (and is not <paramref name="except"/>).</summary>
    public async Task<int> WaitForLeaderAsync(int? except = null)
    {
        var leader = -1;
        await Poll.UntilAsync(async () =>
        {
            for (var i = 0; i < Size; i++)
            {
                if (i != except && _servers[i] is { } server && (await server.Node.GetStatusAsync(CancellationToken.None)).Role == RaftRole.Leader)
                {
                    leader = i;
                    return true;
                }
            }

            return false;
        }, "a leader", Deadline);
        return leader;
    }

    /// <summary>Stops a server as a crash would look to clients and peers: its sockets close.</summary>
    public async Task StopAsync(int index)
    {
        if (_servers[index] is { } server)
        {
            _servers[index] = null;
            await server.DisposeAsync();
        }
    }

    /// <summary>A client of every server, in index order, with test-friendly retry settings.</summary>
    public CairnClient Client(Action<CairnClientOptions>? configure = null, IEnumerable<Uri>? endpoints = null)
    {
        var options = new CairnClientOptions { RandomSeed = 20_260_601 };
        foreach (var endpoint in endpoints ?? _clientUrls)
        {
            options.Endpoints.Add(endpoint);
        }

        configure?.Invoke(options);
        return new CairnClient(options);
    }

    private async Task StartServersAsync()
    {
        var names = Enumerable.Range(1, Size).Select(i => $"n{i}").ToArray();
        var initial = string.Join(',', names.Select(n => string.Create(CultureInfo.InvariantCulture, $"{n}=http://127.0.0.1:{FreePort()}")));
        var members = initial.Split(',').Select(m => new Uri(m.Split('=')[1])).ToArray();
        for (var i = 0; i < Size; i++)
        {
            var server = new CairnServer(
                new ServerOptions
                {
                    Name = names[i],
                    DataDirectory = Path.Combine(_home, names[i]),
                    ClientUrl = new Uri("http://127.0.0.1:0"),
                    PeerUrl = members[i],
                    InitialCluster = initial,
                },
                NullLoggerFactory.Instance);
            _servers[i] = server;
            await server.StartAsync(CancellationToken.None);
            _clientUrls[i] = server.ClientUrl!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Size; i++)
        {
            await StopAsync(i);
        }

        Directory.Delete(_home, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
