namespace Cairn.State.Kv;

/// <summary>A granted lease.</summary>
/// <param name="LeaseId">Its id.</param>
/// <param name="TtlMs">Its time to live in milliseconds.</param>
/// <param name="ExpiresAtMs">The committed time at which it expires unless kept alive.</param>
public sealed record LeaseGrantResponse(ulong LeaseId, ulong TtlMs, ulong ExpiresAtMs) : StateResponse;
