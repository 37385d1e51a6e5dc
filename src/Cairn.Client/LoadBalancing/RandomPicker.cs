namespace Cairn.Client.LoadBalancing;

/// <summary>Chooses an available endpoint uniformly at random.</summary>
public sealed class RandomPicker : EndpointPicker
{
    private readonly Func<int, int> _next;

    /// <summary>Initializes the picker.</summary>
    /// <param name="next">Returns an integer in [0, max); e.g. <see cref="SeededRandom.Next"/>. Default <see cref="Random.Shared"/>.</param>
    public RandomPicker(Func<int, int>? next = null) => _next = next ?? Random.Shared.Next;

    /// <inheritdoc/>
    public override BackendEndpoint Pick(AvailableEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Items[_next(endpoints.Count)];
    }
}
