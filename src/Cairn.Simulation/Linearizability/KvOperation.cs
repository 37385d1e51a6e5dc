namespace Cairn.Simulation.Linearizability;

/// <summary>
/// One client operation on one key, as recorded by the simulator. Times are simulated ticks. Two operations are
/// concurrent when their intervals [<see cref="Invoked"/>, <see cref="Returned"/>] intersect, ends included: an
/// operation invoked at the tick another returned may be ordered either way.
/// </summary>
/// <param name="Id">Identifies the operation in explanations; unique within a history.</param>
/// <param name="ClientId">The client that issued the operation; informational only.</param>
/// <param name="Kind">What the operation does.</param>
/// <param name="Key">The key operated on. Keys are independent registers, each initially absent.</param>
/// <param name="Value">The value written by a <see cref="KvOperationKind.Put"/>, or the new value of a
/// <see cref="KvOperationKind.CompareAndSwap"/>; null writes "absent". Ignored for other kinds.</param>
/// <param name="Expected">The value a <see cref="KvOperationKind.CompareAndSwap"/> expects; null expects the key to be
/// absent. Ignored for other kinds.</param>
/// <param name="Invoked">The tick the client sent the request.</param>
/// <param name="Returned">
/// The tick the client received the response, or null for a pending operation (the client gave up or crashed):
/// a pending operation may have taken effect at any point after <see cref="Invoked"/>, or never.
/// </param>
/// <param name="Result">The response; required when <see cref="Returned"/> is set, ignored when it is null.</param>
/// <param name="ExpectedVersion">The version a <see cref="KvOperationKind.CompareVersionAndSwap"/> expects; 0 expects
/// the key to be absent. Ignored for other kinds.</param>
public sealed record KvOperation(
    int Id,
    int ClientId,
    KvOperationKind Kind,
    string Key,
    string? Value,
    string? Expected,
    long Invoked,
    long? Returned,
    KvResult? Result,
    ulong ExpectedVersion = 0)
{
    /// <summary>Whether the client never received a response (<see cref="Returned"/> is null).</summary>
    public bool IsPending => Returned is null;
}
