namespace Cairn.Client.LoadBalancing;

/// <summary>What a finished call says about the endpoint that served it.</summary>
public enum EndpointCallResult
{
    /// <summary>The endpoint answered acceptably; any run of consecutive failures ends.</summary>
    Success,

    /// <summary>The endpoint failed (connection error, 5xx); counts toward ejection.</summary>
    Failure,

    /// <summary>The call says nothing about the endpoint (e.g. the caller cancelled); only the in-flight count changes.</summary>
    Ignored,
}
