namespace Cairn.Client.Cluster;

/// <summary>
/// A client session for exactly-once writes (Raft thesis §6.3): the server remembers the latest sequence number and its
/// answer, so a retry with the same number gets that answer without applying the write again. Used by one call at a
/// time (the <see cref="SessionPool"/> hands it out exclusively), so its fields need no synchronization beyond the
/// pool's hand-over.
/// </summary>
internal sealed class ClientSession(long id)
{
    public long Id => id;

    /// <summary>The last sequence number handed out; every write takes the next, whatever became of the previous.</summary>
    public long LastSequence { get; private set; }

    public DateTimeOffset LastUsed { get; set; }

    public long NextSequence() => ++LastSequence;
}
