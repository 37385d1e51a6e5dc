namespace Cairn.State;

/// <summary>The result of a <see cref="PromoteLeaderCommand"/>.</summary>
/// <param name="LeaderEpoch">The epoch now in charge of committed time.</param>
/// <param name="CommittedTimeMs">The committed time (unchanged by the promotion).</param>
public sealed record LeaderPromotedResponse(ulong LeaderEpoch, ulong CommittedTimeMs) : StateResponse;
