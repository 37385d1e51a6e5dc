namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>A strategy told when the shared circuit opens or closes, in order, on the circuit's notifier loop.</summary>
internal interface ISharedCircuitListener
{
    ValueTask OnChangedAsync(bool opened, int reporters, int threshold, CancellationToken cancellationToken);
}
