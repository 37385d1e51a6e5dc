namespace Cairn.Simulation.Linearizability;

/// <summary>The result of <see cref="KeySearch.Run"/>.</summary>
/// <param name="Verdict">The outcome for the key.</param>
/// <param name="StatesExplored">Distinct configurations visited.</param>
/// <param name="Explanation">A readable account for <see cref="Verdict.NotLinearizable"/> and <see cref="Verdict.Unknown"/>; empty otherwise.</param>
internal sealed record KeySearchOutcome(Verdict Verdict, long StatesExplored, string Explanation);
