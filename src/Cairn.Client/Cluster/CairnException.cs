using System.Net;

namespace Cairn.Client.Cluster;

/// <summary>
/// A Cairn request that failed: <see cref="ErrorCode"/> says why, <see cref="Field"/> names the offending field of an
/// invalid request, and <see cref="ServerCode"/> keeps the server's own code. Transient failures
/// (<see cref="CairnErrorCode.NotLeader"/>, <see cref="CairnErrorCode.Unavailable"/>, <see cref="CairnErrorCode.Timeout"/>)
/// reach the caller only after the client's retries ran out.
/// </summary>
public sealed class CairnException : Exception
{
    /// <summary>Creates an exception with <see cref="CairnErrorCode.Unknown"/> and a default message.</summary>
    public CairnException()
        : this(CairnErrorCode.Unknown, "a Cairn request failed")
    {
    }

    /// <summary>Creates an exception with <see cref="CairnErrorCode.Unknown"/>.</summary>
    /// <param name="message">The one-line reason.</param>
    public CairnException(string message)
        : this(CairnErrorCode.Unknown, message)
    {
    }

    /// <summary>Creates an exception with <see cref="CairnErrorCode.Unknown"/> and a cause.</summary>
    /// <param name="message">The one-line reason.</param>
    /// <param name="innerException">The cause.</param>
    public CairnException(string message, Exception innerException)
        : this(CairnErrorCode.Unknown, message, innerException)
    {
    }

    /// <summary>Creates an exception with a code.</summary>
    /// <param name="errorCode">Why the request failed.</param>
    /// <param name="message">The one-line reason, naming the field where there is one.</param>
    /// <param name="innerException">The cause, if any (for example the last attempt's failure).</param>
    public CairnException(CairnErrorCode errorCode, string message, Exception? innerException = null)
        : base(message, innerException) => ErrorCode = errorCode;

    /// <summary>Why the request failed.</summary>
    public CairnErrorCode ErrorCode { get; }

    /// <summary>
    /// The field the server named, parsed from messages such as <c>ttl: required</c>, <c>compare[0].target: must be ...</c>
    /// or <c>key is 2000 bytes; the limit is 1024</c>; null when the message names none.
    /// </summary>
    public string? Field { get; init; }

    /// <summary>The server's code as sent (<c>not_leader</c>, <c>InvalidArgument</c>, <c>LeaseNotFound</c>...), or null when there was no answer.</summary>
    public string? ServerCode { get; init; }

    /// <summary>The HTTP status of the answer, or null when there was none (connection failure, client-side deadline).</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The endpoint that gave the answer (or failed to), when known.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>For <see cref="CairnErrorCode.NotLeader"/>: the leader's member name, when the node knew it.</summary>
    public string? LeaderName { get; init; }

    /// <summary>For <see cref="CairnErrorCode.NotLeader"/>: the leader's client URL, when the server sent one.</summary>
    public Uri? LeaderUrl { get; init; }

    /// <summary>True for the codes the client retries: not leader, unavailable, timeout.</summary>
    public bool IsTransient => ErrorCode is CairnErrorCode.NotLeader or CairnErrorCode.Unavailable or CairnErrorCode.Timeout;
}
