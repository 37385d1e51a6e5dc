using Cairn.Raft;

namespace Cairn.Node;

/// <summary>How a node runtime runs. Validated by <see cref="NodeHost"/>'s constructor.</summary>
public sealed record NodeOptions
{
    /// <summary>The Raft settings (id, election timeout and heartbeat in ticks, flow control).</summary>
    public required RaftOptions Raft { get; init; }

    /// <summary>Wall-clock length of one tick. Default 10 ms, so the default election timeout (10 ticks) is 100–200 ms.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Applied entries between two snapshots (which also compact the log). Default 10,000.</summary>
    public int SnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>Requests (proposals, reads, admin) waiting to enter the event loop; more are refused as busy. Default 65,536.</summary>
    public int MaxQueuedRequests { get; init; } = 65_536;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Raft);
        if (TickInterval < TimeSpan.FromMilliseconds(1) || TickInterval > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException("TickInterval must be between 1 ms and 10 s", nameof(TickInterval));
        }

        if (SnapshotEveryEntries < 1 || MaxQueuedRequests < 1)
        {
            throw new ArgumentException("SnapshotEveryEntries and MaxQueuedRequests must be positive");
        }
    }
}
