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

        // Keep the best candidate's load terms in locals so each step reads one in-flight count, and scan in two
        // plain runs (offset..end, then start..offset) instead of taking a modulo per step.
        var best = items[offset];
        long bestLoad = best.InFlight + 1L;
        long bestWeight = best.Weight;
        for (int pass = 0; pass < 2; pass++)
        {
            var from = pass == 0 ? offset + 1 : 0;
            var to = pass == 0 ? items.Length : offset;
            for (int i = from; i < to; i++)
            {
                var candidate = items[i];
                long load = candidate.InFlight + 1L;

                // load / weight < bestLoad / bestWeight, by cross-multiplication.
                if (load * bestWeight < bestLoad * candidate.Weight)
                {
                    best = candidate;
                    bestLoad = load;
                    bestWeight = candidate.Weight;
                }
            }
        }

        return best;
    }
}
