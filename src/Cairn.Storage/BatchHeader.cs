using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>The non-entry parts of a decoded batch record.</summary>
/// <param name="HardState">The hard state the batch records, if any.</param>
/// <param name="InstallIndex">The index of a snapshot installed by the batch, if any.</param>
/// <param name="InstallTerm">The term of that snapshot.</param>
/// <param name="FirstIndex">The index of the batch's first entry (zero when it has none).</param>
internal readonly record struct BatchHeader(HardState? HardState, LogIndex? InstallIndex, Term InstallTerm, LogIndex FirstIndex);
