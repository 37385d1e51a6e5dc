using Polly;
using Polly.Retry;

namespace Cairn.Resilience.Retry;

/// <summary>Adds Polly's retry under a retry budget to Polly pipeline builders.</summary>
public static class CairnBudgetedRetryResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds two strategies: an outer one that records each call in the <see cref="RetryBudget"/>, then Polly's retry,
    /// which retries only while the budget allows and waits for Retry-After advice when there is one.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public static ResiliencePipelineBuilder AddCairnBudgetedRetry(this ResiliencePipelineBuilder builder, CairnBudgetedRetryStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var binding = new BudgetedRetryBinding<object>(options);
        return builder.AddStrategy(binding.CreateBudgetStrategy, options).AddRetry(binding.CreateRetryOptions<RetryStrategyOptions>());
    }

    /// <summary>
    /// Adds two strategies: an outer one that records each call in the <see cref="RetryBudget"/>, then Polly's retry,
    /// which retries only while the budget allows and waits for Retry-After advice when there is one.
    /// </summary>
    /// <typeparam name="TResult">The result type of the pipeline.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddCairnBudgetedRetry<TResult>(this ResiliencePipelineBuilder<TResult> builder, CairnBudgetedRetryStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var binding = new BudgetedRetryBinding<TResult>(options);
        return builder.AddStrategy(binding.CreateBudgetStrategy, options).AddRetry(binding.CreateRetryOptions<RetryStrategyOptions<TResult>>());
    }
}
