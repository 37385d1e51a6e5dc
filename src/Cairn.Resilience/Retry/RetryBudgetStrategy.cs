using Polly;

namespace Cairn.Resilience.Retry;

/// <summary>Sits outside Polly's retry and deposits one request into the budget per logical call.</summary>
internal sealed class RetryBudgetStrategy : ResilienceStrategy
{
    private readonly RetryBudget _budget;

    public RetryBudgetStrategy(RetryBudget budget) => _budget = budget;

    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        _budget.RecordRequest();
        return callback(context, state);
    }
}
