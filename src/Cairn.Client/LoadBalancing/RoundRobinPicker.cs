namespace Cairn.Client.LoadBalancing;

/// <summary>Cycles through the available endpoints; over any run of picks on an unchanged set, counts differ by at most one.</summary>
public sealed class RoundRobinPicker : EndpointPicker
{
    private uint _next = uint.MaxValue;

    /// <inheritdoc/>
    public override BackendEndpoint Pick(AvailableEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Wrapping at 2^32 breaks the cycle once every four billion picks, which is harmless.
        var ticket = Interlocked.Increment(ref _next);
        return endpoints.Items[(int)(ticket % (uint)endpoints.Count)];
    }
}
