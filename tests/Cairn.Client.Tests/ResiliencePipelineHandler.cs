using Polly;

namespace Cairn.Client.Tests;

/// <summary>Runs each request through a Polly pipeline, as Microsoft.Extensions.Http.Resilience's handler does.</summary>
public sealed class ResiliencePipelineHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(async token => await base.SendAsync(request, token), cancellationToken);
}
