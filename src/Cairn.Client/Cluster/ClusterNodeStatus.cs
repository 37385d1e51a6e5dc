namespace Cairn.Client.Cluster;

/// <summary>One node's view of the cluster (<c>GET /v1/status</c>).</summary>
/// <param name="Name">The member name.</param>
/// <param name="Id">The member id.</param>
/// <param name="Role"><c>leader</c>, <c>follower</c>, <c>candidate</c>...</param>
/// <param name="Term">The current Raft term.</param>
/// <param name="Leader">The leader's name, or null when the node knows none.</param>
/// <param name="Commit">The commit index.</param>
/// <param name="Applied">The applied index.</param>
/// <param name="LastIndex">The last log index.</param>
/// <param name="Voters">The voting members' names.</param>
/// <param name="Learners">The learners' names.</param>
public sealed record ClusterNodeStatus(
    string Name, long Id, string Role, long Term, string? Leader, long Commit, long Applied, long LastIndex,
    IReadOnlyList<string> Voters, IReadOnlyList<string> Learners);
