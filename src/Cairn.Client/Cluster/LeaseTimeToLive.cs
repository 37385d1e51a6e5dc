namespace Cairn.Client.Cluster;

/// <summary>A lease's remaining time and its keys, read linearizably.</summary>
/// <param name="Id">The lease id.</param>
/// <param name="GrantedTtl">The TTL it was granted with (each renewal restores it).</param>
/// <param name="RemainingTtl">Time left before it expires, in committed time (the leader's clock, in 100 ms steps).</param>
/// <param name="Keys">The keys attached to it.</param>
public sealed record LeaseTimeToLive(long Id, TimeSpan GrantedTtl, TimeSpan RemainingTtl, IReadOnlyList<string> Keys);
