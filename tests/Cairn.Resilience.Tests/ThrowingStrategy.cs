using Polly;

namespace Cairn.Resilience.Tests;

/// <summary>A misbehaving strategy that throws instead of returning an outcome, while <see cref="Armed"/>.</summary>
public sealed class ThrowingStrategy : ResilienceStrategy
{
    public bool Armed { get; set; }

    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state) =>
        Armed ? throw new InvalidOperationException("strategy bug") : callback(context, state);
}
