namespace Cairn.Client.Tests;

/// <summary>An in-memory inner handler: answers each request with the given function, recording the URIs it saw.</summary>
public sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public List<Uri> Seen { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Seen)
        {
            Seen.Add(request.RequestUri!);
        }

        var response = await respond(request, cancellationToken);
        response.RequestMessage ??= request;
        return response;
    }
}
