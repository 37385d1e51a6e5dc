namespace Cairn.Resilience.Retry;

/// <summary>Options of the budgeted retry for a non-generic <see cref="Polly.ResiliencePipelineBuilder"/>.</summary>
public class CairnBudgetedRetryStrategyOptions : CairnBudgetedRetryStrategyOptions<object>
{
}
