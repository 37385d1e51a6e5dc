using System.ComponentModel.DataAnnotations;
using Polly;
using Polly.Timeout;

namespace Cairn.Resilience.Deadlines;

/// <summary>
/// Options of the deadline-aware timeout: each execution gets the smaller of <see cref="Timeout"/> and the time
/// left on the deadline propagated in the context.
/// </summary>
public class CairnDeadlineTimeoutStrategyOptions : ResilienceStrategyOptions
{
    /// <summary>Initializes the options with the defaults documented on each property.</summary>
    public CairnDeadlineTimeoutStrategyOptions() => Name = "CairnDeadlineTimeout";

    /// <summary>Gets or sets the local timeout, used when no tighter deadline was propagated. Range [10 ms, 1 day]; default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a callback invoked when an execution times out, or is refused because the propagated deadline
    /// had already expired (then <see cref="OnTimeoutArguments.Timeout"/> is zero).
    /// </summary>
    public Func<OnTimeoutArguments, ValueTask>? OnTimeout { get; set; }
}
