namespace Cairn.State;

/// <summary>
/// Settings that shape apply. Every replica must use the same values (they decide which history is compacted and which
/// session expires), so the host takes them from cluster configuration, not from per-node flags.
/// </summary>
public sealed record StateMachineOptions
{
    /// <summary>The most change events kept for watches; beyond it the oldest revisions are compacted automatically.</summary>
    public int MaxHistoryEvents { get; init; } = 100_000;

    /// <summary>The most bytes of keys and values (previous values included) the watch history keeps; beyond it the
    /// oldest revisions are compacted automatically.</summary>
    public long MaxHistoryBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How long a client session lives after its last request, in committed milliseconds.</summary>
    public ulong SessionTimeoutMs { get; init; } = 10 * 60 * 1000;

    /// <summary>The most client sessions at once; registering one more fails with <see cref="StateStatus.TooManySessions"/>.</summary>
    public int MaxSessions { get; init; } = 100_000;

    /// <summary>The largest command accepted, in bytes (a transaction may carry several values).</summary>
    public int MaxCommandBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHistoryEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHistoryBytes, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(SessionTimeoutMs, 1UL);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCommandBytes, 64);
    }
}
