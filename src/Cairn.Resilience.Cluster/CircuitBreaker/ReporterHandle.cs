namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>One local breaker's vote in its instance's report: the instance reports while any of its breakers is open.</summary>
/// <remarks>Guarded by the owning <see cref="SharedCircuit"/>'s lock.</remarks>
internal sealed class ReporterHandle
{
    public bool IsOpen { get; set; }
}
