using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace Cairn.Resilience.Retry;

/// <summary>
/// Puts a <see cref="RetryBudget"/> inside the one strategy <c>AddCairnBudgetedRetry</c> adds, Polly's retry: its
/// predicate records each logical call in the budget and withdraws a retry only after the user's predicate said
/// "retry", and its delay generator follows Retry-After advice.
/// </summary>
/// <remarks>
/// <para>
/// There is deliberately no second strategy. Every strategy in a Polly pipeline costs a delegating hop on each call,
/// which measured at about a fifth of the retry's own success-path cost; the predicate is called once per attempt
/// anyway, so the request is recorded there, at attempt 0, for the price of one atomic increment.
/// </para>
/// <para>
/// What a strategy would have provided is read from the builder when it is needed: its <see cref="TimeProvider"/>
/// when the first call creates the budget (after the pipeline is built, so the order of the builder's settings does
/// not matter), and its <see cref="TelemetryListener"/>, name and instance name when a refused retry is reported, so
/// the event reaches the Polly meter and logs like one reported by a strategy. Unlike an event reported by a strategy,
/// it is not added to the context's list of resilience events (Polly keeps that method internal).
/// </para>
/// </remarks>
internal sealed class BudgetedRetryBinding<TResult>
{
    private static readonly ResilienceEvent _exhaustedEvent = new(ResilienceEventSeverity.Warning, RetryBudgetEvents.Exhausted);

    private readonly ResiliencePipelineBuilderBase _builder;
    private readonly CairnBudgetedRetryStrategyOptions<TResult> _options;
    private readonly Func<RetryPredicateArguments<TResult>, ValueTask<bool>> _shouldHandle;
    private readonly Func<RetryDelayGeneratorArguments<TResult>, ValueTask<TimeSpan?>>? _delayGenerator;
    private readonly int _maxRetryAttempts;

    // The options' budget, or one created by the first call on the builder's clock and shared by every pipeline the
    // builder builds. Written once (compare-exchange), read on every call.
    private RetryBudget? _budget;

    public BudgetedRetryBinding(ResiliencePipelineBuilderBase builder, CairnBudgetedRetryStrategyOptions<TResult> options)
    {
        _builder = builder;
        _options = options;
        _shouldHandle = options.ShouldHandle;
        _delayGenerator = options.DelayGenerator;
        _maxRetryAttempts = options.MaxRetryAttempts;
        _budget = options.Budget;
    }

    private TimeProvider TimeProvider => _builder.TimeProvider ?? TimeProvider.System;

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
        // Polly asks once per attempt, whatever the outcome, so attempt 0 is exactly one per logical call.
        if (args.AttemptNumber == 0)
        {
            (_budget ?? CreateBudget()).RecordRequest();
        }

        // The success path must stay cheap: a synchronous "no" from the user's predicate is returned as it is.
        var handled = _shouldHandle(args);
        if (handled.IsCompletedSuccessfully)
        {
            return handled.Result ? Withdraw(args) : handled;
        }

        return ShouldRetrySlowAsync(handled, args);
    }

    private RetryBudget CreateBudget()
    {
        var created = new RetryBudget(_options.RetryRatio, _options.BudgetWindow, _options.MinRetriesPerSecond, TimeProvider);
        return Interlocked.CompareExchange(ref _budget, created, null) ?? created;
    }

    private async ValueTask<bool> ShouldRetrySlowAsync(ValueTask<bool> handled, RetryPredicateArguments<TResult> args) =>
        await handled.ConfigureAwait(args.Context.ContinueOnCapturedContext)
        && await Withdraw(args).ConfigureAwait(args.Context.ContinueOnCapturedContext);

    private ValueTask<bool> Withdraw(RetryPredicateArguments<TResult> args)
    {
        // Polly asks the predicate after the last attempt too, then stops on its own: that is no retry to pay for.
        if (args.AttemptNumber >= _maxRetryAttempts || (_budget ?? CreateBudget()).TryAcquireRetry())
        {
            return new ValueTask<bool>(true);
        }

        var exhausted = new OnRetryBudgetExhaustedArguments<TResult>(args.Context, args.Outcome, args.AttemptNumber);
        ReportExhausted(args, exhausted);
        return _options.OnBudgetExhausted is { } callback ? NotifyAsync(callback, exhausted) : new ValueTask<bool>(false);
    }

    private void ReportExhausted(RetryPredicateArguments<TResult> args, OnRetryBudgetExhaustedArguments<TResult> exhausted)
    {
        if (_builder.TelemetryListener is { } listener)
        {
            var source = new ResilienceTelemetrySource(_builder.Name, _builder.InstanceName, _options.Name);
            listener.Write(new TelemetryEventArguments<TResult, OnRetryBudgetExhaustedArguments<TResult>>(source, _exhaustedEvent, args.Context, exhausted, args.Outcome));
        }
    }

    private static async ValueTask<bool> NotifyAsync(Func<OnRetryBudgetExhaustedArguments<TResult>, ValueTask> callback, OnRetryBudgetExhaustedArguments<TResult> args)
    {
        await callback(args).ConfigureAwait(args.Context.ContinueOnCapturedContext);
        return false;
    }

    private ValueTask<TimeSpan?> GenerateDelay(RetryDelayGeneratorArguments<TResult> args)
    {
        if (RetryAfterHints.TryGetRetryAfter(args.Outcome, TimeProvider, out var delay))
        {
            return new ValueTask<TimeSpan?>(delay);
        }

        return _delayGenerator?.Invoke(args) ?? new ValueTask<TimeSpan?>((TimeSpan?)null);
    }
}
