namespace Cairn.Client.LoadBalancing;

/// <summary>No endpoint of the service is healthy (or the source is empty), so the call could not be sent.</summary>
public sealed class NoAvailableEndpointException : Exception
{
    /// <summary>Initializes an exception with a default message.</summary>
    public NoAvailableEndpointException()
        : this("No endpoint is available: the source is empty or every endpoint is marked unhealthy.")
    {
    }

    /// <summary>Initializes an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public NoAvailableEndpointException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public NoAvailableEndpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
