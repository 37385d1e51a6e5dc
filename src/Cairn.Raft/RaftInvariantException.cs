namespace Cairn.Raft;

/// <summary>
/// Thrown when a Raft invariant does not hold (for example the commit index would move backwards). The node that
/// throws it must be stopped: its state can no longer be trusted.
/// </summary>
public sealed class RaftInvariantException : Exception
{
    /// <summary>Creates the exception for the invariant that failed.</summary>
    public RaftInvariantException(string invariant)
        : base($"Raft invariant violated: {invariant}")
    {
    }

    /// <summary>Creates the exception with no invariant named.</summary>
    public RaftInvariantException()
    {
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public RaftInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
