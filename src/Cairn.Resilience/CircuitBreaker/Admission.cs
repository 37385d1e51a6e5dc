namespace Cairn.Resilience.CircuitBreaker;

/// <summary>The controller's answer to a call asking to pass.</summary>
/// <param name="Admitted">Whether the call may run.</param>
/// <param name="IsTrial">Whether the call is one of the half-open trial calls.</param>
/// <param name="Epoch">The half-open round the trial belongs to; results of older rounds are ignored.</param>
/// <param name="Transition">A transition made while admitting (only <see cref="CircuitTransition.HalfOpened"/>).</param>
/// <param name="Rejection">When not admitted, the state that rejected the call.</param>
/// <param name="RetryAfter">When rejected while open, the time left until a trial call is admitted.</param>
internal readonly record struct Admission(
    bool Admitted,
    bool IsTrial,
    long Epoch,
    CircuitTransition Transition,
    Polly.CircuitBreaker.CircuitState Rejection,
    TimeSpan RetryAfter);
