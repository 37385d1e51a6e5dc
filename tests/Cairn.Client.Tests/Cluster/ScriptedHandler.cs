using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Cairn.Client.Tests.Cluster;

/// <summary>An HTTP handler that answers from a script and records each request with the fake time it arrived.</summary>
internal sealed class ScriptedHandler(TimeProvider time, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    public ConcurrentQueue<Seen> Requests { get; } = new();

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Unavailable() =>
        Json(HttpStatusCode.ServiceUnavailable, """{"error": "no quorum", "code": "unavailable"}""");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(new Seen(request.Method, request.RequestUri!, Header(request, "Cairn-Session"), Header(request, "Cairn-Sequence"), time.GetUtcNow()));
        return answer(request, cancellationToken);
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    internal sealed record Seen(HttpMethod Method, Uri Uri, string? Session, string? Sequence, DateTimeOffset At);
}
