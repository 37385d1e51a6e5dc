namespace Cairn.Resilience.CircuitBreaker;

/// <summary>What an admitted call tells the breaker about the dependency's health.</summary>
internal enum CallResult
{
    /// <summary>The call says nothing about health (the caller cancelled, or a strategy threw); it only frees its slot.</summary>
    Ignored,

    /// <summary>The dependency answered and the outcome is not one the options handle.</summary>
    Success,

    /// <summary>The outcome is one the options' <c>ShouldHandle</c> treats as a failure.</summary>
    Failure,
}
