namespace Cairn.Simulation.Linearizability;

/// <summary>The outcome of the check of one key's sub-history.</summary>
/// <param name="Key">The key.</param>
/// <param name="Verdict">The outcome for this key alone.</param>
/// <param name="OperationCount">How many operations of the history touch this key, pending ones included.</param>
/// <param name="StatesExplored">How many distinct (linearized set, register state) configurations the search visited.</param>
public sealed record KeyCheckResult(string Key, Verdict Verdict, int OperationCount, long StatesExplored);
