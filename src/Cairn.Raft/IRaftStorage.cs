namespace Cairn.Raft;

/// <summary>
/// The durable log as the host writes it: the port that the in-memory storage, the simulator's disk and the
/// write-ahead log all implement, so that all three are driven the same way. Not thread-safe, except
/// <see cref="StageSnapshot"/>.
/// </summary>
public interface IRaftStorage : IRaftLogReader
{
    /// <summary>
    /// Makes one <see cref="Ready"/>'s durable part durable, atomically and with one sync: installs the snapshot if
    /// any, appends the entries (discarding any existing entries from the first new index on), then records the
    /// hard state if any. Returns only when all of it would survive a crash.
    /// </summary>
    void Persist(HardState? hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot);

    /// <summary>
    /// Records a snapshot of the state machine taken at <paramref name="index"/> (an applied index) and discards the
    /// log up to it. The membership is the one in force at <paramref name="index"/> (<see cref="RaftNode.Membership"/>
    /// right after the entry at that index was applied).
    /// </summary>
    void SaveSnapshot(LogIndex index, Membership membership, ReadOnlyMemory<byte> data);

    /// <summary>
    /// Makes a snapshot's bytes durable ahead of <see cref="SaveSnapshot"/>, so that the later call, with the same
    /// index, membership and data, only has to record it. The one member that may run on any thread, concurrently
    /// with the others: a host writes a large snapshot off its event loop. Until <see cref="SaveSnapshot"/> records
    /// it, a staged snapshot is not current, and a restart discards it. A storage that holds snapshots only in memory
    /// does nothing here.
    /// </summary>
    void StageSnapshot(SnapshotMetadata metadata, ReadOnlyMemory<byte> data);
}
