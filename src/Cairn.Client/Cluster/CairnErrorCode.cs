namespace Cairn.Client.Cluster;

/// <summary>
/// Why a Cairn request failed, as carried by <see cref="CairnException.ErrorCode"/>. The server's own code (for
/// example <c>not_leader</c> or <c>LeaseNotFound</c>) is kept in <see cref="CairnException.ServerCode"/>.
/// </summary>
public enum CairnErrorCode
{
    /// <summary>A failure the client does not classify (an unexpected status or response); see the message.</summary>
    Unknown = 0,

    /// <summary>
    /// The node is not the leader and none of the retries reached one (server code <c>not_leader</c>). Transient: the
    /// client already retried on other endpoints with backoff before reporting it.
    /// </summary>
    NotLeader = 1,

    /// <summary>
    /// No endpoint could serve the request: connection refused or reset, no quorum, a leadership transfer, or too many
    /// uncommitted writes (server code <c>unavailable</c>). Transient; reported after the retries ran out.
    /// </summary>
    Unavailable = 2,

    /// <summary>
    /// No answer in time: the call's deadline (<see cref="CairnClientOptions.Timeout"/>) passed, or the cluster did not
    /// commit within its own request timeout (server code <c>timeout</c>). A write that timed out may still have been
    /// applied, once.
    /// </summary>
    Timeout = 3,

    /// <summary>A field of the request is wrong; <see cref="CairnException.Field"/> names it when the server did. Not retried.</summary>
    InvalidArgument = 4,

    /// <summary>A size or count limit was exceeded (key over 1,024 bytes, value over 1 MiB, too many operations). Not retried.</summary>
    TooLarge = 5,

    /// <summary>A transaction's compares did not hold; raised only by <see cref="TxnResult.EnsureSucceeded"/>.</summary>
    CompareFailed = 6,

    /// <summary>The lease does not exist: never granted, revoked, or expired. Not retried.</summary>
    LeaseNotFound = 7,

    /// <summary>The requested revision is below the compaction point, so its history is gone (watch from a later revision).</summary>
    RevisionCompacted = 8,

    /// <summary>No such resource (for example a route an older server does not serve). A missing key is not an error: <see cref="CairnClient.GetAsync"/> returns null.</summary>
    NotFound = 9,

    /// <summary>The client session expired and could not be replaced within the call's attempts.</summary>
    SessionExpired = 10,
}
