namespace Cairn.Resilience.Concurrency;

/// <summary>Telemetry arguments of <see cref="AdaptiveConcurrencyLimitEvents.Rejected"/>.</summary>
/// <param name="Limit">The limit that was reached.</param>
public readonly record struct ConcurrencyLimitRejectedArguments(int Limit);
