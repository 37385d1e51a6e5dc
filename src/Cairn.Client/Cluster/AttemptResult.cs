namespace Cairn.Client.Cluster;

/// <summary>What one HTTP attempt came to, and so what the retry loop does next.</summary>
internal enum AttemptKind
{
    /// <summary>Answered; the value is the result.</summary>
    Done,

    /// <summary>A transient failure: try again (at <see cref="AttemptResult{T}.Redirect"/> when set, else the next endpoint after a backoff).</summary>
    Retry,

    /// <summary>The session is unknown to the server: open another and send again.</summary>
    SessionExpired,

    /// <summary>A final failure (4xx): report it.</summary>
    Fail,
}

/// <summary>The outcome of one attempt.</summary>
internal readonly record struct AttemptResult<T>(AttemptKind Kind, T? Value, CairnException? Error, Uri? Redirect = null)
{
    public static AttemptResult<T> Done(T? value) => new(AttemptKind.Done, value, null);

    /// <summary>A transient failure; only a not-leader answer redirects (an <c>unavailable</c> one may name a leader that is unreachable).</summary>
    public static AttemptResult<T> Retry(CairnException error) =>
        new(AttemptKind.Retry, default, error, error.ErrorCode == CairnErrorCode.NotLeader ? error.LeaderUrl : null);
}
