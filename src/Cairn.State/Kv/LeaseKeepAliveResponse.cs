namespace Cairn.State.Kv;

/// <summary>A renewed lease.</summary>
/// <param name="LeaseId">Its id.</param>
/// <param name="TtlMs">Its time to live in milliseconds.</param>
/// <param name="ExpiresAtMs">The committed time at which it now expires unless kept alive again.</param>
public sealed record LeaseKeepAliveResponse(ulong LeaseId, ulong TtlMs, ulong ExpiresAtMs) : StateResponse;
