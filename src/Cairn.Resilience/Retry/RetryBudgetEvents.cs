namespace Cairn.Resilience.Retry;

/// <summary>Names of the telemetry events the budgeted retry reports through Polly, beside Polly's own <c>OnRetry</c>.</summary>
public static class RetryBudgetEvents
{
    /// <summary>A retry was wanted but the budget refused it; the last outcome went back to the caller.</summary>
    public const string Exhausted = "OnRetryBudgetExhausted";
}
