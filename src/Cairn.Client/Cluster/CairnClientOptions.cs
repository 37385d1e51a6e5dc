namespace Cairn.Client.Cluster;

/// <summary>
/// Settings of a <see cref="CairnClient"/>, read once when it is created (later changes have no effect). Binds from the
/// configuration section <see cref="SectionName"/> (<c>Cairn:Endpoints:0</c>, <c>Cairn:Timeout</c>,
/// <c>Cairn:Retry:MaxAttempts</c>...). Not thread-safe: configure, then hand over.
/// </summary>
public sealed class CairnClientOptions
{
    /// <summary>The configuration section <see cref="CairnClientServiceCollectionExtensions.AddCairnClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration, Action{CairnClientOptions}?)"/> binds.</summary>
    public const string SectionName = "Cairn";

    /// <summary>
    /// The client URLs of the cluster's nodes (<c>--listen-client-urls</c>), tried in this order; at least one, at most
    /// 64, each absolute <c>http</c> or <c>https</c>. A path (for a reverse proxy) is kept as a prefix.
    /// </summary>
    public IList<Uri> Endpoints { get; } = new List<Uri>();

    /// <summary>
    /// The deadline of one call, retries and backoff included; then it fails with <see cref="CairnErrorCode.Timeout"/>.
    /// More than 0, at most 5 minutes (so a retried write always finds its session alive); default 15 s.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The deadline of one HTTP attempt (for a watch: until the stream starts); then the next endpoint is tried. More than
    /// 0; default 6 s, just above the server's own request timeout (5 s), so the server can answer <c>timeout</c> first.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Backoff and attempts for transient failures.</summary>
    public CairnRetryOptions Retry { get; } = new();

    /// <summary>
    /// Writes in flight at once, which is also the most client sessions the client opens (a session carries one write
    /// at a time: the server remembers only its latest answer). Further writes wait. 1 to 1,024; default 64.
    /// </summary>
    public int MaxConcurrentWrites { get; set; } = 64;

    /// <summary>
    /// A session unused for this long is dropped and a new one opened, rather than risking the server's expiry (10
    /// minutes of committed time). More than 0, at most 9 minutes; default 5 minutes.
    /// </summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock for deadlines, backoff and lease keep-alive; null for <see cref="TimeProvider.System"/>. Tests pass a fake.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The seed of the backoff jitter; null for a random one. Tests pass a fixed seed (and print it).</summary>
    public long? RandomSeed { get; set; }

    /// <summary>
    /// The HTTP handler to send through; null for a <see cref="SocketsHttpHandler"/> the client owns. A handler given
    /// here is not disposed by the client. For tests and for custom TLS or proxies.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Endpoints.Count is 0 or > 64)
        {
            throw new ArgumentException($"Endpoints: {Endpoints.Count} given; 1 to 64 are needed", nameof(Endpoints));
        }

        foreach (var endpoint in Endpoints)
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"Endpoints: '{endpoint}' is not an absolute http or https URL", nameof(Endpoints));
            }
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"Timeout: {Timeout}; must be more than 0 and at most 5 minutes", nameof(Timeout));
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"AttemptTimeout: {AttemptTimeout}; must be more than 0", nameof(AttemptTimeout));
        }

        if (MaxConcurrentWrites is < 1 or > 1024)
        {
            throw new ArgumentException($"MaxConcurrentWrites: {MaxConcurrentWrites}; must be 1 to 1024", nameof(MaxConcurrentWrites));
        }

        if (SessionIdleTimeout <= TimeSpan.Zero || SessionIdleTimeout > TimeSpan.FromMinutes(9))
        {
            throw new ArgumentException($"SessionIdleTimeout: {SessionIdleTimeout}; must be more than 0 and at most 9 minutes", nameof(SessionIdleTimeout));
        }

        Retry.Validate();
    }
}
