namespace Cairn.State;

/// <summary>The result of an <see cref="ExpireLeasesCommand"/>.</summary>
/// <param name="CommittedTimeMs">The committed time after the command.</param>
/// <param name="ExpiredLeases">How many leases expired (each deleted its keys under its own revision).</param>
/// <param name="ExpiredSessions">How many client sessions expired.</param>
/// <param name="More">Whether more leases are already due (the per-command limit was reached); propose again.</param>
public sealed record TimeAdvancedResponse(ulong CommittedTimeMs, ulong ExpiredLeases, ulong ExpiredSessions, bool More) : StateResponse;
