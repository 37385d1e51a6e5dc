using System.Globalization;
using Grpc.Core;

namespace Cairn.Client.Grpc;

/// <summary>
/// Lets Cairn's gRPC load balancer see failures the endpoint reports itself. gRPC's balancer API tells a picker only
/// about transport errors (refused or reset connections); an endpoint that answers every call at once with
/// <c>UNAVAILABLE</c> would otherwise look healthy. Put this handler in <c>GrpcChannelOptions.HttpHandler</c>, around
/// the <see cref="SocketsHttpHandler"/>.
/// </summary>
/// <remarks>
/// A response counts against the endpoint when its HTTP status is 500 or above, or when it is a trailers-only gRPC
/// response (the server failed before sending a message, so <c>grpc-status</c> arrives with the headers) whose
/// status <c>isFailure</c> accepts; by default <see cref="StatusCode.Unavailable"/>, <see cref="StatusCode.Internal"/>,
/// <see cref="StatusCode.Unknown"/> and <see cref="StatusCode.DataLoss"/>. A status sent after response messages, in the
/// trailers, is not seen: the balancer's verdict is taken when the headers arrive.
/// </remarks>
public sealed class GrpcEndpointFailureHandler : DelegatingHandler
{
    /// <summary>The request option in which the handler records that the endpoint failed the call.</summary>
    public static readonly HttpRequestOptionsKey<bool> FailedOption = new("Cairn.Grpc.EndpointFailed");

    private const string GrpcStatusHeader = "grpc-status";

    private readonly Func<StatusCode, bool> _isFailure;

    /// <summary>Initializes a handler around a new <see cref="SocketsHttpHandler"/> with HTTP/2 connection pooling suited to gRPC.</summary>
    public GrpcEndpointFailureHandler()
        : this(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
    }

    /// <summary>Initializes a handler.</summary>
    /// <param name="innerHandler">The handler that sends requests, normally a <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="isFailure">Decides which gRPC status codes count against the endpoint; see the remarks for the default.</param>
    public GrpcEndpointFailureHandler(HttpMessageHandler innerHandler, Func<StatusCode, bool>? isFailure = null)
        : base(innerHandler)
    {
        _isFailure = isFailure ?? IsEndpointFailure;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 500 || (TryGetStatus(response, out var status) && _isFailure(status)))
        {
            request.Options.Set(FailedOption, true);
        }

        return response;
    }

    private static bool IsEndpointFailure(StatusCode status) =>
        status is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss;

    private static bool TryGetStatus(HttpResponseMessage response, out StatusCode status)
    {
        status = StatusCode.OK;
        if (response.Headers.TryGetValues(GrpcStatusHeader, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            status = (StatusCode)code;
            return true;
        }

        return false;
    }
}
