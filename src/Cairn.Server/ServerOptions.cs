namespace Cairn.Server;

/// <summary>
/// How one server runs, with etcd's flag names (the CLI maps <c>--name</c>, <c>--data-dir</c>,
/// <c>--listen-client-urls</c>, <c>--listen-peer-urls</c>, <c>--initial-cluster</c>, <c>--initial-cluster-state</c> and
/// the <c>CAIRN_*</c> environment variables onto it).
/// </summary>
public sealed record ServerOptions
{
    /// <summary>This member's name; must appear in <see cref="InitialCluster"/>.</summary>
    public required string Name { get; init; }

    /// <summary>Where the write-ahead log and snapshots live (created when missing).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The HTTP address clients use, e.g. <c>http://127.0.0.1:2379</c>.</summary>
    public required Uri ClientUrl { get; init; }

    /// <summary>
    /// The gRPC address (cleartext HTTP/2), e.g. <c>http://127.0.0.1:12379</c>; null for the default: the client URL's
    /// host with its port plus 10,000 (ephemeral when the client port is 0 or the sum is above 65,535).
    /// </summary>
    public Uri? GrpcUrl { get; init; }

    /// <summary>The gRPC address to listen on: <see cref="GrpcUrl"/> or its default.</summary>
    public Uri GrpcUrlOrDefault => GrpcUrl ?? new UriBuilder(ClientUrl)
    {
        Port = ClientUrl.Port is > 0 and <= 65_535 - 10_000 ? ClientUrl.Port + 10_000 : 0,
    }.Uri;

    /// <summary>The TCP address peers use, e.g. <c>http://127.0.0.1:2380</c> (only host and port matter).</summary>
    public required Uri PeerUrl { get; init; }

    /// <summary>
    /// <c>name=peerUrl,name=peerUrl,...</c>: every founding member (for <c>existing</c>, every current member including
    /// this one), in any order; each member's numeric id derives from its name. A single entry forms a single-node cluster.
    /// </summary>
    public required string InitialCluster { get; init; }

    /// <summary><c>new</c> to found a cluster (bootstraps an empty data directory), <c>existing</c> to join one.</summary>
    public string InitialClusterState { get; init; } = "new";

    /// <summary>Peers refuse connections from a different cluster token (misconfiguration guard, not authentication).</summary>
    public string ClusterToken { get; init; } = "cairn";

    /// <summary>
    /// Wall-clock tick; the election timeout is 10 ticks (randomized up to 20), heartbeats every 2. Default 50 ms: heartbeats
    /// every 100 ms and elections after 0.5–1 s of silence, as etcd's defaults, so a GC pause or a slow disk under load
    /// does not depose a healthy leader.
    /// </summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a client request may wait for the cluster before it gets a timeout error.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Applied entries between two snapshots, which also compact the log (etcd's <c>--snapshot-count</c>). Default 100,000,
    /// etcd 3.4's: a snapshot (which carries the watch history) is taken on the node's event loop, so taking it rarely
    /// keeps heartbeats flowing under write load.
    /// </summary>
    public int SnapshotCount { get; init; } = 100_000;

    /// <summary>
    /// Revisions of watch history the leader keeps: when the history holds more than twice this, it commits a compaction
    /// that keeps the latest this many (etcd's <c>--auto-compaction-retention</c> in revision mode). 0 turns it off.
    /// Default 100,000.
    /// </summary>
    public ulong AutoCompactionRetention { get; init; } = 100_000;

    /// <summary>The founding members parsed from <see cref="InitialCluster"/>, with their ids.</summary>
    /// <exception cref="ArgumentException">The list is malformed, repeats a name, or lacks <see cref="Name"/>.</exception>
    public IReadOnlyList<ClusterMember> ParseInitialCluster()
    {
        var members = new List<ClusterMember>();
        foreach (var part in InitialCluster.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2 || pair[0].Length == 0 || !Uri.TryCreate(pair[1], UriKind.Absolute, out var url))
            {
                throw new ArgumentException($"initial-cluster: '{part}' is not name=url", nameof(InitialCluster));
            }

            if (members.Any(m => m.Name == pair[0]))
            {
                throw new ArgumentException($"initial-cluster: the name '{pair[0]}' appears twice", nameof(InitialCluster));
            }

            if (pair[0].Length > 64)
            {
                throw new ArgumentException($"initial-cluster: the name '{pair[0]}' is longer than 64 characters", nameof(InitialCluster));
            }

            members.Add(new ClusterMember(pair[0], ClusterMember.IdOf(pair[0]), url));
        }

        if (members.All(m => m.Name != Name))
        {
            throw new ArgumentException($"initial-cluster does not contain this member's name '{Name}'", nameof(InitialCluster));
        }

        if (InitialClusterState is not ("new" or "existing"))
        {
            throw new ArgumentException("initial-cluster-state must be 'new' or 'existing'", nameof(InitialClusterState));
        }

        return members;
    }
}
