namespace Cairn.Client.LoadBalancing;

/// <summary>
/// An <see cref="HttpClient"/> handler that sends each request to an endpoint chosen by a <see cref="LoadBalancer"/>:
/// it replaces the request URI's scheme, host and port with the endpoint's (path and query are kept) and reports
/// the result to passive health.
/// </summary>
/// <remarks>
/// <para>
/// Place it below a Polly pipeline (e.g. <c>AddStandardResilienceHandler</c> or a handler running Cairn's
/// strategies) so that each retry attempt picks again and can land on another endpoint. Requests use a logical
/// base address such as <c>http://orders/</c>; only its path and query matter.
/// </para>
/// <para>
/// A call counts as in flight until the response headers arrive (or the send fails). An exception is a failure,
/// except a cancellation requested by the caller, which is ignored; a response is a failure when
/// <c>isFailure</c> says so (default: status 500 and above). The chosen endpoint is stored in the request's options
/// under <see cref="EndpointOption"/>.
/// </para>
/// </remarks>
public sealed class LoadBalancingHandler : DelegatingHandler
{
    /// <summary>The request option that holds the endpoint a request was sent to.</summary>
    public static readonly HttpRequestOptionsKey<BackendEndpoint> EndpointOption = new("Cairn.LoadBalancing.Endpoint");

    private readonly LoadBalancer _balancer;
    private readonly Func<HttpResponseMessage, bool> _isFailure;

    /// <summary>Initializes a handler; set <see cref="DelegatingHandler.InnerHandler"/> or use it with <c>IHttpClientFactory</c>.</summary>
    /// <param name="balancer">The balancer.</param>
    /// <param name="isFailure">Decides whether a response counts against the endpoint; default: status ≥ 500.</param>
    public LoadBalancingHandler(LoadBalancer balancer, Func<HttpResponseMessage, bool>? isFailure = null)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        _balancer = balancer;
        _isFailure = isFailure ?? (static response => (int)response.StatusCode >= 500);
    }

    /// <inheritdoc/>
    /// <exception cref="NoAvailableEndpointException">No endpoint is available.</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is not { IsAbsoluteUri: true } requestUri)
        {
            throw new InvalidOperationException("The request URI must be absolute; give the HttpClient a base address such as http://service/.");
        }

        if (!_balancer.TryAcquire(out var lease))
        {
            throw new NoAvailableEndpointException();
        }

        var result = EndpointCallResult.Failure;
        try
        {
            request.RequestUri = new Uri(lease.Endpoint.Authority + requestUri.PathAndQuery);
            request.Options.Set(EndpointOption, lease.Endpoint);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            result = _isFailure(response) ? EndpointCallResult.Failure : EndpointCallResult.Success;
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = EndpointCallResult.Ignored;
            throw;
        }
        finally
        {
            lease.Release(result);
        }
    }
}
