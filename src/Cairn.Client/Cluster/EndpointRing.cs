namespace Cairn.Client.Cluster;

/// <summary>
/// The configured endpoints in order, and the one that last worked (sticky), where every call starts. A leader URL
/// learnt from a not-leader answer may become the sticky endpoint even when it is not in the list. Thread-safe: the
/// sticky endpoint is one reference, read and written atomically; races between calls only pick a different good start.
/// </summary>
internal sealed class EndpointRing
{
    private readonly Uri[] _endpoints;
    private Uri _current;

    public EndpointRing(IEnumerable<Uri> endpoints)
    {
        // A trailing slash makes relative paths ("v1/kv/...") land under any path prefix of the endpoint.
        _endpoints = [.. endpoints.Select(WithTrailingSlash)];
        _current = _endpoints[0];
    }

    public IReadOnlyList<Uri> All => _endpoints;

    public Uri Current => Volatile.Read(ref _current);

    public void MarkWorked(Uri endpoint) => Volatile.Write(ref _current, endpoint);

    /// <summary>The configured endpoint after <paramref name="endpoint"/>, wrapping; the first for an endpoint not in the list.</summary>
    public Uri After(Uri endpoint) => _endpoints[(Array.IndexOf(_endpoints, endpoint) + 1) % _endpoints.Length];

    public static Uri WithTrailingSlash(Uri endpoint) =>
        endpoint.AbsolutePath.EndsWith('/') ? endpoint : new Uri(endpoint.GetLeftPart(UriPartial.Path) + "/");
}
