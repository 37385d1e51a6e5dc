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
    IReadOnlyList<string> Trace);
