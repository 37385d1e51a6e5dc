namespace Cairn.Simulation.Linearizability;

/// <summary>How one operation acts on the register in the search, with its recorded result folded in.</summary>
internal enum RegisterStep : byte
{
    /// <summary>A completed Get: allowed only where the register holds the value (and version, if observed) read.</summary>
    Read,

    /// <summary>A Put or Delete, completed or pending: always allowed; sets the register (and steps or resets its version).</summary>
    Write,

    /// <summary>A CAS that reported success: allowed only where the register holds the expected value.</summary>
    SwapSucceeded,

    /// <summary>A CAS that reported failure: allowed only where the register does not hold the expected value.</summary>
    SwapFailed,

    /// <summary>A pending CAS: always allowed; swaps if the register holds the expected value.</summary>
    SwapUnknown,

    /// <summary>A version CAS that reported success: allowed only where the register holds the expected version.</summary>
    VersionSwapSucceeded,

    /// <summary>A version CAS that reported failure: allowed only where the register does not hold the expected version.</summary>
    VersionSwapFailed,

    /// <summary>A pending version CAS: always allowed; swaps if the register holds the expected version.</summary>
    VersionSwapUnknown,

    /// <summary>A completed Put or Delete that reported failure, which the model never does.</summary>
    Impossible,
}
