namespace Cairn.Simulation.Linearizability;

/// <summary>The outcome of a linearizability check.</summary>
public enum Verdict
{
    /// <summary>A linearization was found for every key.</summary>
    Linearizable,

    /// <summary>At least one key has no linearization: the history is a proof of a consistency bug.</summary>
    NotLinearizable,

    /// <summary>
    /// No key was found to be non-linearizable, but the search for at least one key ran out of its state budget
    /// before finding a linearization. Rare for simulator histories; report it rather than treat it as a pass.
    /// </summary>
    Unknown,
}
