namespace Cairn.Raft;

/// <summary>The role a node plays in its current term.</summary>
public enum RaftRole : byte
{
    /// <summary>Follows a leader (or waits for one).</summary>
    Follower = 0,

    /// <summary>Asking for pre-votes; still in its old term.</summary>
    PreCandidate = 1,

    /// <summary>Asking for votes in a new term.</summary>
    Candidate = 2,

    /// <summary>Leads the term.</summary>
    Leader = 3,
}
