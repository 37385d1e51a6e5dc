namespace Cairn.Server;

/// <summary>A member as configured: its name, its numeric Raft id and its peer address.</summary>
/// <param name="Name">The member's name.</param>
/// <param name="Id">Its Raft node id (position in the initial cluster, from 1).</param>
/// <param name="PeerUrl">Where its peers reach it.</param>
public sealed record ClusterMember(string Name, ulong Id, Uri PeerUrl);
