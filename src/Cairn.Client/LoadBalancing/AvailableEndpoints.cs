namespace Cairn.Client.LoadBalancing;

/// <summary>
/// An immutable view of the endpoints a picker may choose from, with cumulative weights for weighted pickers.
/// A balancer builds a new one only when the source, the health or an ejection changes.
/// </summary>
public sealed class AvailableEndpoints
{
    private readonly BackendEndpoint[] _items;

    // Invariant: _cumulativeWeights[i] = sum of weights of _items[0..i]; strictly increasing since weights are >= 1.
    private readonly int[] _cumulativeWeights;

    /// <summary>Initializes a view.</summary>
    /// <param name="items">The endpoints, at least one; the array is copied.</param>
    public AvailableEndpoints(ReadOnlySpan<BackendEndpoint> items)
    {
        if (items.IsEmpty)
        {
            throw new ArgumentException("A view needs at least one endpoint.", nameof(items));
        }

        _items = items.ToArray();
        _cumulativeWeights = new int[_items.Length];
        long total = 0;
        for (int i = 0; i < _items.Length; i++)
        {
            total += _items[i].Weight;
            _cumulativeWeights[i] = checked((int)total);
        }
    }

    /// <summary>Gets the endpoints.</summary>
    public ReadOnlySpan<BackendEndpoint> Items => _items;

    /// <summary>Gets the number of endpoints, at least one.</summary>
    public int Count => _items.Length;

    /// <summary>Gets the sum of the endpoints' weights.</summary>
    public int TotalWeight => _cumulativeWeights[^1];

    /// <summary>Finds the endpoint that owns a point of the weight line, in O(log n).</summary>
    /// <param name="point">A value in [0, <see cref="TotalWeight"/>).</param>
    /// <returns>The endpoint whose weight range contains <paramref name="point"/>.</returns>
    public BackendEndpoint AtWeight(int point)
    {
        // The first cumulative weight strictly greater than point.
        int index = Array.BinarySearch(_cumulativeWeights, point + 1);
        return _items[index >= 0 ? index : ~index];
    }
}
