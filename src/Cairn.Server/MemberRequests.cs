namespace Cairn.Server;

/// <summary>The body of <c>PUT /v1/members/{name}</c>: a member's new addresses (null or empty keeps the recorded one).</summary>
/// <param name="PeerUrl">Where peers reach the member.</param>
/// <param name="ClientUrl">Where clients reach the member.</param>
public sealed record MemberUpdateRequest(string? PeerUrl, string? ClientUrl);

/// <summary>The body of <c>POST /v1/members</c>: a member to add.</summary>
/// <param name="Name">Its name (1 to 64 characters); its id derives from it.</param>
/// <param name="PeerUrl">Where peers will reach it.</param>
/// <param name="Learner">Add it as a non-voting learner (promote it later) instead of a voter.</param>
public sealed record MemberAddRequest(string? Name, string? PeerUrl, bool Learner);
