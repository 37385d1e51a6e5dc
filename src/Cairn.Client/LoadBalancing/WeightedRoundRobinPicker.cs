namespace Cairn.Client.LoadBalancing;

/// <summary>
/// Round robin in proportion to weights: every <see cref="AvailableEndpoints.TotalWeight"/> consecutive picks give
/// each endpoint exactly its weight. Picks for one endpoint come in a block, not interleaved.
/// </summary>
public sealed class WeightedRoundRobinPicker : EndpointPicker
{
    private uint _next = uint.MaxValue;

    /// <inheritdoc/>
    public override BackendEndpoint Pick(AvailableEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var ticket = Interlocked.Increment(ref _next);
        return endpoints.AtWeight((int)(ticket % (uint)endpoints.TotalWeight));
    }
}
