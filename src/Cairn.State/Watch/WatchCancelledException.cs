namespace Cairn.State.Watch;

/// <summary>
/// Ends a subscription's event channel when the hub cancels it. <see cref="ResumeRevision"/> is the first revision the
/// watcher has not received in full: subscribing again from it continues without a gap or a duplicate (unless it has
/// been compacted meanwhile, which that subscribe reports).
/// </summary>
public sealed class WatchCancelledException : Exception
{
    /// <summary>Creates the exception with a message only.</summary>
    public WatchCancelledException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public WatchCancelledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WatchCancelledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a cancelled subscription.</summary>
    public WatchCancelledException(WatchCancelReason reason, ulong resumeRevision)
        : base($"watch cancelled ({reason}); resume from revision {resumeRevision}")
    {
        Reason = reason;
        ResumeRevision = resumeRevision;
    }

    /// <summary>Why the subscription ended.</summary>
    public WatchCancelReason Reason { get; }

    /// <summary>The revision to subscribe from to continue exactly where the channel stopped.</summary>
    public ulong ResumeRevision { get; }
}
