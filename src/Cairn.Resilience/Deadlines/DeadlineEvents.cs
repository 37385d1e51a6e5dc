namespace Cairn.Resilience.Deadlines;

/// <summary>Names of the telemetry events of the deadline-aware timeout, beside Polly's own <c>OnTimeout</c>.</summary>
public static class DeadlineEvents
{
    /// <summary>The propagated deadline had expired before the call started; the call was refused without running.</summary>
    public const string Expired = "OnDeadlineExpired";
}
