namespace Cairn.State.Kv;

/// <summary>A lease's time to live, measured against the committed time (which trails the leader's clock by at most
/// its sweep interval, so the remaining time is never under-reported).</summary>
/// <param name="LeaseId">Its id.</param>
/// <param name="GrantedTtlMs">The TTL it was granted.</param>
/// <param name="RemainingTtlMs">Milliseconds until it expires, from the committed time.</param>
/// <param name="Keys">The attached keys in key order, when asked for; empty otherwise.</param>
public sealed record LeaseTimeToLiveResponse(ulong LeaseId, ulong GrantedTtlMs, ulong RemainingTtlMs, IReadOnlyList<byte[]> Keys) : StateResponse;
