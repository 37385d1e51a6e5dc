namespace Cairn.Raft;

/// <summary>The single-server membership changes Cairn supports (Raft thesis §4.1, one at a time).</summary>
public enum MembershipChangeKind : byte
{
    /// <summary>Add a new voter directly (prefer <see cref="AddLearner"/> then <see cref="PromoteLearner"/>).</summary>
    AddVoter = 1,

    /// <summary>Add a non-voting member that receives the log.</summary>
    AddLearner = 2,

    /// <summary>Make a learner a voter.</summary>
    PromoteLearner = 3,

    /// <summary>Remove a voter or a learner (the leader itself included).</summary>
    RemoveNode = 4,
}
