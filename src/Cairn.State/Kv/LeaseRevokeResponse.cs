namespace Cairn.State.Kv;

/// <summary>A revoked lease.</summary>
/// <param name="Revision">The revision after the revocation (advanced once if keys were deleted).</param>
/// <param name="DeletedKeys">How many attached keys were deleted.</param>
public sealed record LeaseRevokeResponse(ulong Revision, ulong DeletedKeys) : StateResponse;
