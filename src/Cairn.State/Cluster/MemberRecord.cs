namespace Cairn.State.Cluster;

/// <summary>What the cluster knows of one member: its addresses, replicated so they survive restarts and snapshots.</summary>
/// <param name="Id">The member's Raft node id.</param>
/// <param name="Name">Its name (at most <see cref="MemberPublishCommand.MaxNameBytes"/> bytes of UTF-8).</param>
/// <param name="PeerUrl">Where peers reach it; empty when not yet known.</param>
/// <param name="ClientUrl">Where clients reach it; empty until the member has published it.</param>
public sealed record MemberRecord(ulong Id, string Name, string PeerUrl, string ClientUrl);
