using System.ComponentModel.DataAnnotations;
using Polly;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>
/// Options of the cluster-wide bulkhead: each call holds a permit of a <see cref="ClusterSemaphore"/> while it runs, so
/// at most <see cref="ClusterSemaphore.PermitLimit"/> calls run at once across every instance sharing the semaphore.
/// </summary>
/// <remarks>
/// <para>Validated when added to a builder (<see cref="ValidationException"/>).</para>
/// <para>
/// A permit can be lost while its call runs (the instance's session lease ended, e.g. after a long pause or a
/// partition), and another call may then take its slot. Polly lets only its own strategies replace the context's
/// cancellation token, so a callback that must stop then links the permit's token itself:
/// <c>CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, context.GetClusterSemaphorePermit()!.Lost)</c>.
/// A call that ends cancelled after its permit was lost (and not by its caller) ends with
/// <see cref="ClusterSemaphorePermitLostException"/>; the event <see cref="ClusterBulkheadEvents.PermitLost"/> is
/// reported for every call whose permit was lost.
/// </para>
/// </remarks>
public class CairnClusterBulkheadStrategyOptions : ResilienceStrategyOptions
{
    /// <summary>Initializes the options with the defaults documented on each property.</summary>
    public CairnClusterBulkheadStrategyOptions() => Name = "CairnClusterBulkhead";

    /// <summary>Gets or sets the semaphore; required. Several pipelines may share one.</summary>
    [Required]
    public ClusterSemaphore? Semaphore { get; set; }

    /// <summary>
    /// Gets or sets how many calls of this pipeline may wait for a permit at once; a call beyond it only tries the
    /// permits that look free and is rejected with <see cref="ClusterBulkheadRejectionReason.QueueFull"/> when none is.
    /// A call counts as waiting from the start of its acquisition. Range [0, 100,000]; default 0 (no waiting), as
    /// Polly's concurrency limiter.
    /// </summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; }

    /// <summary>
    /// Gets or sets how long a queued call waits for a permit, on the builder's clock; then it is rejected with
    /// <see cref="ClusterBulkheadRejectionReason.WaitTimeout"/>. Range [1 ms, 1 hour]; default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a callback invoked when a call is rejected, before the rejection is returned.</summary>
    public Func<OnClusterBulkheadRejectedArguments, ValueTask>? OnRejected { get; set; }
}
