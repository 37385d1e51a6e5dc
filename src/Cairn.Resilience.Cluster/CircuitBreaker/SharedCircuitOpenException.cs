using Polly.CircuitBreaker;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>
/// The call was rejected without running because enough instances of the fleet report the dependency down (the shared
/// circuit is open), although this instance's own breaker may be closed.
/// </summary>
/// <remarks>
/// Derives from Polly's <see cref="BrokenCircuitException"/>, so code and predicates that handle a broken circuit handle
/// this one too; <see cref="BrokenCircuitException.RetryAfter"/> is the time until enough of the reports would expire
/// if none were renewed.
/// </remarks>
public sealed class SharedCircuitOpenException : BrokenCircuitException
{
    /// <summary>Initializes an exception with a default message.</summary>
    public SharedCircuitOpenException()
        : base("The shared circuit is open: enough instances report the dependency down; calls are not allowed.")
    {
    }

    /// <summary>Initializes an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SharedCircuitOpenException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public SharedCircuitOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes an exception that states the dependency and the count of reporters.</summary>
    /// <param name="dependency">The dependency.</param>
    /// <param name="reporters">Instances reporting it down.</param>
    /// <param name="threshold">Reporters needed to open.</param>
    /// <param name="retryAfter">Time until the reports would lapse if none were renewed.</param>
    public SharedCircuitOpenException(string dependency, int reporters, int threshold, TimeSpan retryAfter)
        : base($"The shared circuit of '{dependency}' is open: {reporters} instances report it down (threshold {threshold}); calls are not allowed.", retryAfter)
    {
        Dependency = dependency;
        Reporters = reporters;
        Threshold = threshold;
    }

    /// <summary>Gets the dependency, or null when unknown.</summary>
    public string? Dependency { get; }

    /// <summary>Gets the number of instances that reported the dependency down when the call was rejected.</summary>
    public int Reporters { get; }

    /// <summary>Gets the number of reporters needed to open.</summary>
    public int Threshold { get; }
}
