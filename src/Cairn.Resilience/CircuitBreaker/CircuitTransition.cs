namespace Cairn.Resilience.CircuitBreaker;

/// <summary>A state change the controller made, for the strategy to report outside the lock.</summary>
internal enum CircuitTransition
{
    None,
    Opened,
    HalfOpened,
    Closed,
}
