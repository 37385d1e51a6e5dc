namespace Cairn.Resilience.Concurrency;

/// <summary>Reads the state of one adaptive concurrency limit, for dashboards and tests.</summary>
/// <remarks>Thread-safe. Before the pipeline is built every value is zero.</remarks>
public sealed class AdaptiveConcurrencyLimitStateProvider
{
    private AimdLimiter? _limiter;

    /// <summary>Gets the current limit on calls in flight.</summary>
    public int CurrentLimit => _limiter?.Limit ?? 0;

    /// <summary>Gets the calls in flight now.</summary>
    public int InFlight => _limiter?.InFlight ?? 0;

    /// <summary>Gets the number of calls rejected since the pipeline was built.</summary>
    public long TotalRejected => _limiter?.Rejected ?? 0;

    internal void Attach(AimdLimiter limiter)
    {
        if (Interlocked.CompareExchange(ref _limiter, limiter, null) is not null)
        {
            throw new InvalidOperationException("This state provider is already attached to an adaptive concurrency limit.");
        }
    }
}
