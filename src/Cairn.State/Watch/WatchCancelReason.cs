namespace Cairn.State.Watch;

/// <summary>Why the hub ended a subscription.</summary>
public enum WatchCancelReason
{
    /// <summary>The watcher read too slowly and its buffer could not take the next revision's events.</summary>
    Lagged = 0,

    /// <summary>The hub was reset (the state machine was restored from a snapshot).</summary>
    Reset = 1,

    /// <summary>The hub was disposed.</summary>
    HubDisposed = 2,
}
