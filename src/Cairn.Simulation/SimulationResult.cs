namespace Cairn.Simulation;

/// <summary>What one seeded run did and found.</summary>
/// <param name="Seed">The seed that replays it.</param>
/// <param name="Steps">Ticks simulated (safety plus liveness phase).</param>
/// <param name="CompletedOperations">Client operations that got an answer.</param>
/// <param name="Operations">Client operations invoked.</param>
/// <param name="Elections">Terms that had a leader.</param>
/// <param name="HighestTerm">The highest term with a leader.</param>
/// <param name="Faults">Faults the nemesis injected.</param>
/// <param name="CommittedIndex">The highest committed index.</param>
/// <param name="Violations">Safety, liveness and linearizability violations, in order.</param>
/// <param name="LastEvents">The last notable events (elections, faults), for failure reports.</param>
/// <param name="Trace">Every notable event when tracing was asked for; empty otherwise.</param>
public sealed record SimulationResult(
    ulong Seed,
    long Steps,
    int CompletedOperations,
    int Operations,
    int Elections,
    ulong HighestTerm,
    int Faults,
    ulong CommittedIndex,
    IReadOnlyList<string> Violations,
    IReadOnlyList<string> LastEvents,
    IReadOnlyList<string> Trace)
{
    /// <summary>Leader promotions committed (each extends every lease and session by one election timeout).</summary>
    public int Promotions { get; init; }

    /// <summary>Retried writes that reached the log again and were answered from the session table, not applied.</summary>
    public int RetriesDeduplicated { get; init; }

    /// <summary>Leases granted.</summary>
    public int LeasesGranted { get; init; }

    /// <summary>Leases expired by a committed sweep.</summary>
    public int LeasesExpired { get; init; }

    /// <summary>
    /// Over the expired leases, the least (life − TTL) in simulated milliseconds, where life runs from the client's
    /// invocation of the last grant or keep-alive to the expiry; null when no lease expired. Never negative in a run
    /// without violations: a lease that lives less than its TTL as its client's clock measures it is a violation
    /// ("lease life").
    /// </summary>
    public long? ShortestLeaseLifeMarginMs { get; init; }

    /// <summary>Watch events received and found identical to the committed history.</summary>
    public int WatchEventsChecked { get; init; }

    /// <summary>Times a watcher subscribed again (after a crash, a hub reset on restore, a lag or a compaction).</summary>
    public int WatchResumes { get; init; }
}
