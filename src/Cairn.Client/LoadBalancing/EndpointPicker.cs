namespace Cairn.Client.LoadBalancing;

/// <summary>Chooses one endpoint among the available ones for each call.</summary>
/// <remarks>
/// Implementations are called concurrently from many threads and must not allocate: a pick is on every call's path.
/// </remarks>
public abstract class EndpointPicker
{
    /// <summary>Chooses an endpoint.</summary>
    /// <param name="endpoints">The available endpoints, at least one.</param>
    /// <returns>One of <paramref name="endpoints"/>.</returns>
    public abstract BackendEndpoint Pick(AvailableEndpoints endpoints);

    /// <summary>
    /// Compares the load two endpoints would carry after one more call, relative to their weights:
    /// (inFlight + 1) / weight, by cross-multiplication so no division or rounding is involved.
    /// </summary>
    /// <returns>Negative if <paramref name="a"/> is less loaded, zero if equal, positive otherwise.</returns>
    protected static int CompareLoad(BackendEndpoint a, BackendEndpoint b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return ((long)(a.InFlight + 1) * b.Weight).CompareTo((long)(b.InFlight + 1) * a.Weight);
    }
}
