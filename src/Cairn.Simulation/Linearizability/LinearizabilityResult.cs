namespace Cairn.Simulation.Linearizability;

/// <summary>The outcome of <see cref="LinearizabilityChecker.Check"/>.</summary>
/// <param name="Verdict">
/// <see cref="Verdict.NotLinearizable"/> if any key has no linearization; otherwise <see cref="Verdict.Unknown"/> if
/// any key exhausted its state budget; otherwise <see cref="Verdict.Linearizable"/>.
/// </param>
/// <param name="Explanation">
/// A readable account: for failures, each failing key with the longest linearizable prefix found and the operations
/// none of which could be linearized next; for an unknown outcome, the keys whose budget ran out.
/// </param>
/// <param name="StatesExplored">The states explored over all keys.</param>
/// <param name="Keys">The outcome per key, in ordinal order of key.</param>
public sealed record LinearizabilityResult(
    Verdict Verdict,
    string Explanation,
    long StatesExplored,
    IReadOnlyList<KeyCheckResult> Keys)
{
    /// <summary>
    /// False only when the history is proven non-linearizable. True for <see cref="Verdict.Unknown"/> too, so a
    /// caller that must not accept an inconclusive check tests <see cref="Verdict"/> instead.
    /// </summary>
    public bool IsLinearizable => Verdict != Verdict.NotLinearizable;
}
