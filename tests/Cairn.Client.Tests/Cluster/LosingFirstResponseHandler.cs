using System.Collections.Concurrent;

namespace Cairn.Client.Tests.Cluster;

/// <summary>
/// Sends through to the real server, but loses the answer to the first request that <paramref name="matches"/>: the
/// server has applied it, the client sees a connection failure. Records the session headers of every match.
/// </summary>
internal sealed class LosingFirstResponseHandler(Func<HttpRequestMessage, bool> matches) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _lost;

    public ConcurrentQueue<(string? Session, string? Sequence, string Outcome)> Matched { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!matches(request))
        {
            return response;
        }

        // Read the whole answer first, so the server certainly finished the request before the client "loses" it.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var outcome = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
        if (Interlocked.Exchange(ref _lost, 1) == 0)
        {
            Matched.Enqueue((Header(request, "Cairn-Session"), Header(request, "Cairn-Sequence"), "lost: " + outcome));
            response.Dispose();
            throw new HttpRequestException("simulated: the connection broke before the answer arrived");
        }

        Matched.Enqueue((Header(request, "Cairn-Session"), Header(request, "Cairn-Sequence"), outcome));
        return response;
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
