namespace Cairn.State.Kv;

/// <summary>The response of a transaction, and of a put, range or delete sent alone.</summary>
/// <param name="Revision">The store's revision after the command (the new one if something was written).</param>
/// <param name="Succeeded">Whether the compares held (always true for a single operation).</param>
/// <param name="Responses">One response per operation of the branch that ran, in order.</param>
public sealed record KvTxnResponse(ulong Revision, bool Succeeded, IReadOnlyList<KvOpResponse> Responses) : StateResponse;
