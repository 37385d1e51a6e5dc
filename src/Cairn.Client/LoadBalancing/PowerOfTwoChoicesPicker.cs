namespace Cairn.Client.LoadBalancing;

/// <summary>
/// Draws two distinct endpoints at random and chooses the one with fewer calls in flight relative to its weight
/// (the first on a tie). O(1) per pick and, unlike least connections, no herd on the one idle endpoint.
/// The default picker, as in YARP.
/// </summary>
public sealed class PowerOfTwoChoicesPicker : EndpointPicker
{
    private readonly Func<int, int> _next;

    /// <summary>Initializes the picker.</summary>
    /// <param name="next">Returns an integer in [0, max); e.g. <see cref="SeededRandom.Next"/>. Default <see cref="Random.Shared"/>.</param>
    public PowerOfTwoChoicesPicker(Func<int, int>? next = null) => _next = next ?? Random.Shared.Next;

    /// <inheritdoc/>
    public override BackendEndpoint Pick(AvailableEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var items = endpoints.Items;
        if (items.Length == 1)
        {
            return items[0];
        }

        var first = _next(items.Length);

        // Draw the second from the n - 1 others so the two are always distinct.
        var second = _next(items.Length - 1);
        if (second >= first)
        {
            second++;
        }

        return CompareLoad(items[second], items[first]) < 0 ? items[second] : items[first];
    }
}
