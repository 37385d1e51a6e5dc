namespace Cairn.Client.Cluster;

/// <summary>One call of the HTTP API, replayable across attempts (the body is copied into a fresh message each time).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query relative to an endpoint, e.g. <c>v1/kv/a?consistency=stale</c>.</param>
/// <param name="Body">The body, or null for none.</param>
/// <param name="ContentType">The body's media type.</param>
internal sealed record ApiRequest(HttpMethod Method, string Path, ReadOnlyMemory<byte>? Body = null, string ContentType = "application/octet-stream")
{
    /// <summary>A write: carries a session and sequence number so a retry is applied at most once.</summary>
    public bool IsWrite { get; init; }

    /// <summary>A 404 <c>not_found</c> answer is an empty result (a missing key), not an error.</summary>
    public bool NotFoundIsEmpty { get; init; }
}
