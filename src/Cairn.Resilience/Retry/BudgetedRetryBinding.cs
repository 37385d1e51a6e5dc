using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace Cairn.Resilience.Retry;

/// <summary>
/// Joins the two strategies one <c>AddCairnBudgetedRetry</c> call adds: the outer <see cref="RetryBudgetStrategy"/>
/// (created on build, where the builder's clock and telemetry are known) and Polly's retry, whose predicate and
/// delay generator are wrapped to consult the budget and the Retry-After advice.
/// </summary>
internal sealed class BudgetedRetryBinding<TResult>
{
    private static readonly ResilienceEvent _exhaustedEvent = new(ResilienceEventSeverity.Warning, RetryBudgetEvents.Exhausted);

    private readonly Lock _lock = new();
    private readonly CairnBudgetedRetryStrategyOptions<TResult> _options;
    private readonly Func<RetryPredicateArguments<TResult>, ValueTask<bool>> _shouldHandle;
    private readonly Func<RetryDelayGeneratorArguments<TResult>, ValueTask<TimeSpan?>>? _delayGenerator;
    private readonly int _maxRetryAttempts;

    // Set on the first build and shared by later builds of the same builder, so all see one budget.
    private RetryBudget? _budget;
    private TimeProvider _timeProvider = TimeProvider.System;
    private ResilienceStrategyTelemetry? _telemetry;

    public BudgetedRetryBinding(CairnBudgetedRetryStrategyOptions<TResult> options)
    {
        _options = options;
        _shouldHandle = options.ShouldHandle;
        _delayGenerator = options.DelayGenerator;
        _maxRetryAttempts = options.MaxRetryAttempts;
    }

    public RetryBudgetStrategy CreateBudgetStrategy(StrategyBuilderContext context)
    {
        lock (_lock)
        {
            _budget ??= _options.Budget ?? new RetryBudget(_options.RetryRatio, _options.BudgetWindow, _options.MinRetriesPerSecond, context.TimeProvider);
            _timeProvider = context.TimeProvider;
            _telemetry = context.Telemetry;
            return new RetryBudgetStrategy(_budget);
        }
    }

    /// <summary>Copies the user's retry options, wrapping the predicate and the delay generator.</summary>
    /// <typeparam name="TOptions">Polly's options type for the builder at hand (non-generic builders take <see cref="RetryStrategyOptions"/>).</typeparam>
    public TOptions CreateRetryOptions<TOptions>()
        where TOptions : RetryStrategyOptions<TResult>, new() => new()
        {
            Name = _options.Name,
            MaxRetryAttempts = _options.MaxRetryAttempts,
            BackoffType = _options.BackoffType,
            UseJitter = _options.UseJitter,
            Delay = _options.Delay,
            MaxDelay = _options.MaxDelay,
            Randomizer = _options.Randomizer,
            OnRetry = _options.OnRetry,
            ShouldHandle = ShouldRetry,
            DelayGenerator = _options.HonorRetryAfter ? GenerateDelay : _delayGenerator,
        };

    private ValueTask<bool> ShouldRetry(RetryPredicateArguments<TResult> args)
    {
        // The success path must stay cheap: a synchronous "no" from the user's predicate returns at once.
        var handled = _shouldHandle(args);
        if (handled.IsCompletedSuccessfully)
        {
            return handled.Result ? Withdraw(args) : new ValueTask<bool>(false);
        }

        return ShouldRetrySlowAsync(handled, args);
    }

    private async ValueTask<bool> ShouldRetrySlowAsync(ValueTask<bool> handled, RetryPredicateArguments<TResult> args) =>
        await handled.ConfigureAwait(args.Context.ContinueOnCapturedContext)
        && await Withdraw(args).ConfigureAwait(args.Context.ContinueOnCapturedContext);

    private ValueTask<bool> Withdraw(RetryPredicateArguments<TResult> args)
    {
        // Polly asks the predicate after the last attempt too, then stops on its own: that is no retry to pay for.
        if (args.AttemptNumber >= _maxRetryAttempts || _budget!.TryAcquireRetry())
        {
            return new ValueTask<bool>(true);
        }

        var exhausted = new OnRetryBudgetExhaustedArguments<TResult>(args.Context, args.Outcome, args.AttemptNumber);
        _telemetry?.Report(_exhaustedEvent, args.Context, args.Outcome, exhausted);
        return _options.OnBudgetExhausted is { } callback ? NotifyAsync(callback, exhausted) : new ValueTask<bool>(false);
    }

    private static async ValueTask<bool> NotifyAsync(Func<OnRetryBudgetExhaustedArguments<TResult>, ValueTask> callback, OnRetryBudgetExhaustedArguments<TResult> args)
    {
        await callback(args).ConfigureAwait(args.Context.ContinueOnCapturedContext);
        return false;
    }

    private ValueTask<TimeSpan?> GenerateDelay(RetryDelayGeneratorArguments<TResult> args)
    {
        if (RetryAfterHints.TryGetRetryAfter(args.Outcome, _timeProvider, out var delay))
        {
            return new ValueTask<TimeSpan?>(delay);
        }

        return _delayGenerator?.Invoke(args) ?? new ValueTask<TimeSpan?>((TimeSpan?)null);
    }
}
