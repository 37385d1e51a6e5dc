namespace Cairn.Resilience.Concurrency;

/// <summary>Telemetry arguments of <see cref="AdaptiveConcurrencyLimitEvents.LimitChanged"/>.</summary>
/// <param name="PreviousLimit">The limit before the call that changed it.</param>
/// <param name="NewLimit">The limit after.</param>
/// <param name="Latency">The latency of the call that changed it.</param>
public readonly record struct ConcurrencyLimitChangedArguments(int PreviousLimit, int NewLimit, TimeSpan Latency);
