namespace Cairn.Cli.Bench;

/// <summary>
/// One system under test, as the load runner sees it: a put and a get of one key. The runner owns concurrency, timing
/// and counting; a driver only sends requests, so Cairn and other stores (etcd, in bench/) are measured by the same code.
/// </summary>
/// <remarks>
/// Called concurrently by every client; <c>client</c> (0-based) lets a driver pin a client to an endpoint. A driver
/// returns expected failures as <see cref="KvOutcome.Failed"/>; an exception also counts as a failed request, and an
/// <see cref="OperationCanceledException"/> once the run's token is cancelled is not counted at all.
/// </remarks>
internal interface IKvDriver : IAsyncDisposable
{
    /// <summary>The system's name in reports, e.g. <c>cairn</c>.</summary>
    string Name { get; }

    /// <summary>Writes <paramref name="value"/> (not retained after the call completes) to <paramref name="key"/>.</summary>
    ValueTask<KvOutcome> PutAsync(int client, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>Reads <paramref name="key"/> with the run's consistency; a missing key is a failure.</summary>
    ValueTask<KvOutcome> GetAsync(int client, string key, CancellationToken cancellationToken);
}
