namespace Cairn.State.Kv;

/// <summary>A delete's response.</summary>
/// <param name="Deleted">How many keys were deleted.</param>
/// <param name="PrevKvs">Their last state, in key order, when asked for; empty otherwise.</param>
public sealed record KvDeleteResponse(ulong Deleted, IReadOnlyList<KeyValue> PrevKvs) : KvOpResponse;
