using System.ComponentModel.DataAnnotations;
using Polly;
using Polly.Retry;

namespace Cairn.Resilience.Retry;

/// <summary>Adds Polly's retry under a retry budget to Polly pipeline builders.</summary>
public static class CairnBudgetedRetryResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds Polly's retry, which records each call in the <see cref="RetryBudget"/>, retries only while the budget
    /// allows, and waits for Retry-After advice when there is one. One strategy, so it costs what Polly's retry costs
    /// plus one atomic increment per call.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    public static ResiliencePipelineBuilder AddCairnBudgetedRetry(this ResiliencePipelineBuilder builder, CairnBudgetedRetryStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Validate(options);
        var binding = new BudgetedRetryBinding<object>(builder, options);
        return builder.AddRetry(binding.CreateRetryOptions<RetryStrategyOptions>());
    }

    /// <summary>
    /// Adds Polly's retry, which records each call in the <see cref="RetryBudget"/>, retries only while the budget
    /// allows, and waits for Retry-After advice when there is one. One strategy, so it costs what Polly's retry costs
    /// plus one atomic increment per call.
    /// </summary>
    /// <typeparam name="TResult">The result type of the pipeline.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddCairnBudgetedRetry<TResult>(this ResiliencePipelineBuilder<TResult> builder, CairnBudgetedRetryStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Validate(options);
        var binding = new BudgetedRetryBinding<TResult>(builder, options);
        return builder.AddRetry(binding.CreateRetryOptions<RetryStrategyOptions<TResult>>());
    }

    // The budget's ranges live on Cairn's options, which Polly never sees (it validates the retry options it is
    // given), so they are checked here, with Polly's exception and message style.
    private static void Validate<TResult>(CairnBudgetedRetryStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new ValidationException(
                $"The '{options.GetType().Name}' are invalid.{Environment.NewLine}{string.Join(Environment.NewLine, results.Select(r => $"- {r.ErrorMessage}"))}");
        }
    }
}
