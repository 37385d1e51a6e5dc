namespace Cairn.Client.LoadBalancing;

/// <summary>Chooses an available endpoint at random with probability proportional to its weight, in O(log n).</summary>
public sealed class WeightedRandomPicker : EndpointPicker
{
    private readonly Func<int, int> _next;

    /// <summary>Initializes the picker.</summary>
    /// <param name="next">Returns an integer in [0, max); e.g. <see cref="SeededRandom.Next"/>. Default <see cref="Random.Shared"/>.</param>
    public WeightedRandomPicker(Func<int, int>? next = null) => _next = next ?? Random.Shared.Next;

    /// <inheritdoc/>
    public override BackendEndpoint Pick(AvailableEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.AtWeight(_next(endpoints.TotalWeight));
    }
}
