namespace Cairn.Client.Cluster;

/// <summary>
/// A client of a Cairn cluster over its HTTP/JSON API (docs/api.md), given several endpoints: keys, transactions,
/// leases, watches and status.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: one instance is meant to be shared by the whole process (it pools connections and sessions). Every
/// call starts at the endpoint that last worked. Transient failures — connection refused or reset, 503
/// <c>not_leader</c> or <c>unavailable</c>, 502, 504 <c>timeout</c>, an attempt with no answer within
/// <see cref="CairnClientOptions.AttemptTimeout"/> — are retried on the next endpoint after a capped, fully jittered
/// exponential backoff (<see cref="CairnRetryOptions"/>); a not-leader answer that names the leader's URL sends the
/// next attempt straight there. Other errors (4xx) are not retried. Each call has a deadline of
/// <see cref="CairnClientOptions.Timeout"/> and honours its <see cref="CancellationToken"/> (then it throws
/// <see cref="OperationCanceledException"/>).
/// </para>
/// <para>
/// Exactly-once writes: every write (put, delete, transaction, compaction, lease grant, keep-alive, revoke) carries a client
/// session, opened lazily with <c>POST /v1/session</c>, and the next sequence number of that session, kept across the
/// call's retries; the server applies a number once and answers a retry with the first answer (Raft thesis §6.3). A
/// session carries one write at a time, so concurrent writes use up to <see cref="CairnClientOptions.MaxConcurrentWrites"/>
/// sessions. The server deduplicates key writes and transactions; for leases it ignores the session today, so a lease
/// grant retried after a lost answer may grant a second lease (unused, it expires after its TTL) and a retried revoke
/// may report <see cref="CairnErrorCode.LeaseNotFound"/>.
/// </para>
/// <para>
/// Errors are <see cref="CairnException"/> with a <see cref="CairnErrorCode"/>; argument errors found locally are
/// <see cref="ArgumentException"/> (for example a key with a <c>.</c> or <c>..</c> segment between slashes, which URL
/// normalization would remove from the path: reach such keys with <see cref="TxnAsync"/>). After <see cref="Dispose"/> calls throw <see cref="ObjectDisposedException"/> and
/// open watches end.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var client = new CairnClient(new CairnClientOptions { Endpoints = { new("http://127.0.0.1:7101"), new("http://127.0.0.1:7102") } });
/// await client.PutAsync("config/mode", "fast");
/// var kv = await client.GetAsync("config/mode");
/// </code>
/// </example>
public sealed partial class CairnClient : IDisposable, IAsyncDisposable
{
    private readonly EndpointRing _ring;
    private readonly HttpClient _http;
    private readonly SessionPool _sessions;
    private readonly Backoff _backoff;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _attemptTimeout;
    private readonly int _maxAttempts;

    // Cancelled by Dispose: ends open watches and in-flight calls.
    private readonly CancellationTokenSource _lifetime = new();
    private int _disposed;

    /// <summary>Creates a client; nothing is sent until the first call.</summary>
    /// <param name="options">The settings, validated and copied: later changes to them have no effect.</param>
    /// <exception cref="ArgumentException">A setting is out of range (see <see cref="CairnClientOptions.Validate"/>).</exception>
    public CairnClient(CairnClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _ring = new EndpointRing(options.Endpoints);
        _time = options.TimeProvider ?? TimeProvider.System;
        _timeout = options.Timeout;
        _attemptTimeout = options.AttemptTimeout;
        _maxAttempts = options.Retry.MaxAttempts;
        _backoff = new Backoff(options.Retry.BaseDelay, options.Retry.MaxDelay, options.RandomSeed ?? Random.Shared.NextInt64());
        _sessions = new SessionPool(options.MaxConcurrentWrites, options.SessionIdleTimeout, _time);
        _http = options.HttpMessageHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.AttemptTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(2) }, disposeHandler: true);

        // Deadlines are ours (on the injected clock); HttpClient's own would fire on the real one.
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>Creates a client of the given endpoints with default settings.</summary>
    /// <param name="endpoints">The nodes' client URLs, tried in this order.</param>
    /// <exception cref="ArgumentException">No endpoint, or one that is not an absolute http(s) URL.</exception>
    public CairnClient(IEnumerable<Uri> endpoints)
        : this(WithEndpoints(endpoints))
    {
    }

    /// <summary>The configured endpoints, in order (normalized with a trailing slash).</summary>
    public IReadOnlyList<Uri> Endpoints => _ring.All;

    /// <summary>The endpoint that answered last, where the next call starts (it may be a leader URL learnt from a not-leader answer).</summary>
    public Uri CurrentEndpoint => _ring.Current;

    /// <summary>Reads one node's status, or any node's when <paramref name="endpoint"/> is null.</summary>
    /// <param name="endpoint">The node to ask (one attempt, no failover), or null for the first that answers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The node's view of the cluster.</returns>
    /// <exception cref="CairnException">No answer (<see cref="CairnErrorCode.Unavailable"/>, <see cref="CairnErrorCode.Timeout"/>).</exception>
    public Task<ClusterNodeStatus> GetStatusAsync(Uri? endpoint = null, CancellationToken cancellationToken = default)
    {
        var request = new ApiRequest(HttpMethod.Get, "v1/status");
        return endpoint is null
            ? SendAsync(request, ParseStatus, cancellationToken)
            : SendOnceAsync(EndpointRing.WithTrailingSlash(endpoint), request, ParseStatus, cancellationToken);
    }

    /// <summary>Ends open watches and lease keepers' calls, and releases connections. Sessions are left to expire on the server.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The token source and the session pool stay undisposed on purpose: calls still in flight read them, and neither
        // holds an unmanaged resource (no timer, no wait handle).
        _lifetime.Cancel();
        _http.Dispose();
    }

    /// <summary>The same as <see cref="Dispose"/>.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static CairnClientOptions WithEndpoints(IEnumerable<Uri> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new CairnClientOptions();
        foreach (var endpoint in endpoints)
        {
            options.Endpoints.Add(endpoint);
        }

        return options;
    }

    private static ClusterNodeStatus ParseStatus(System.Text.Json.JsonElement s) => new(
        ApiJson.Text(s, "name") ?? "",
        ApiJson.Number(s, "id"),
        ApiJson.Text(s, "role") ?? "",
        ApiJson.Number(s, "term"),
        ApiJson.Text(s, "leader"),
        ApiJson.Number(s, "commit"),
        ApiJson.Number(s, "applied"),
        ApiJson.Number(s, "lastIndex"),
        ApiJson.Texts(s, "voters"),
        ApiJson.Texts(s, "learners"));
}
