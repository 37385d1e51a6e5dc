namespace Cairn.State.Watch;

/// <summary>The hub's bounds (per node; they do not affect replicated state).</summary>
public sealed record WatchHubOptions
{
    /// <summary>The most events the hub keeps for watchers that start in the past; older revisions count as compacted.</summary>
    public int MaxHistoryEvents { get; init; } = 100_000;

    /// <summary>The most bytes of keys and values the hub's history keeps (counted as the machine counts them).</summary>
    public long MaxHistoryBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The live events a subscription may hold unread before it is cancelled as lagged (its catch-up events
    /// from history come on top of this).</summary>
    public int SubscriberBufferEvents { get; init; } = 1_024;

    /// <summary>The most subscriptions at once.</summary>
    public int MaxSubscriptions { get; init; } = 10_000;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHistoryEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHistoryBytes, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriberBufferEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSubscriptions, 1);
    }
}
