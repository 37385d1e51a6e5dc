namespace Cairn.Client.LoadBalancing;

/// <summary>
/// Chooses the endpoint with the fewest calls in flight relative to its weight (so with equal weights, the fewest
/// calls in flight), scanning all available endpoints: O(n) per pick.
/// </summary>
/// <remarks>
/// Ties go to the first least-loaded endpoint after a rotating start, so idle endpoints share traffic instead of
/// the first one taking it all. Under concurrency the counts move while they are read; the choice is the least
/// loaded at the moment each count was read.
/// </remarks>
public sealed class LeastConnectionsPicker : EndpointPicker
{
    private uint _start = uint.MaxValue;

    /// <inheritdoc/>
    public override BackendEndpoint Pick(AvailableEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var items = endpoints.Items;
        var offset = (int)(Interlocked.Increment(ref _start) % (uint)items.Length);
        var best = items[offset];
        for (int i = 1; i < items.Length; i++)
        {
            var candidate = items[(offset + i) % items.Length];
            if (CompareLoad(candidate, best) < 0)
            {
                best = candidate;
            }
        }

        return best;
    }
}
