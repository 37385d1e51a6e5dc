namespace Cairn.Simulation.Linearizability;

/// <summary>The response a client received for a <see cref="KvOperation"/>.</summary>
/// <param name="Ok">
/// For <see cref="KvOperationKind.CompareAndSwap"/> and <see cref="KvOperationKind.CompareVersionAndSwap"/>, whether the swap succeeded. <see cref="KvOperationKind.Put"/> and
/// <see cref="KvOperationKind.Delete"/> always succeed in the model, so a recorded false makes them inconsistent.
/// Ignored for <see cref="KvOperationKind.Get"/>.
/// </param>
/// <param name="Value">For <see cref="KvOperationKind.Get"/>, the value read, or null if the key was absent. Ignored otherwise.</param>
/// <param name="Version">For <see cref="KvOperationKind.Get"/>, the version read (0 when absent), or null when the
/// reader did not observe it (then only the value is checked). Ignored otherwise.</param>
public sealed record KvResult(bool Ok, string? Value, ulong? Version = null);
