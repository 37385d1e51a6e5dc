namespace Cairn.Resilience.Concurrency;

/// <summary>Names of the telemetry events the adaptive concurrency limit reports through Polly.</summary>
public static class AdaptiveConcurrencyLimitEvents
{
    /// <summary>A call was rejected because the limit was reached.</summary>
    public const string Rejected = "OnConcurrencyLimitRejected";

    /// <summary>The whole-number limit changed.</summary>
    public const string LimitChanged = "OnConcurrencyLimitChanged";
}
