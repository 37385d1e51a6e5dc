using Polly;
using Polly.Timeout;

namespace Cairn.Resilience.Deadlines;

/// <summary>Adds the deadline-aware timeout to Polly pipeline builders.</summary>
public static class CairnDeadlineTimeoutResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds a timeout of min(<see cref="CairnDeadlineTimeoutStrategyOptions.Timeout"/>, time left on the context's
    /// <see cref="Deadline"/>): a Cairn strategy that narrows the deadline (and refuses expired ones), then Polly's
    /// timeout driven by it. A timed-out call ends with Polly's <see cref="TimeoutRejectedException"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options, validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public static TBuilder AddCairnDeadlineTimeout<TBuilder>(this TBuilder builder, CairnDeadlineTimeoutStrategyOptions options)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var timeout = options.Timeout;
        builder.AddStrategy(context => new DeadlineStrategy(timeout, context.TimeProvider, context.Telemetry, options.OnTimeout), options);
        return builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = options.Name,
            Timeout = timeout,
            TimeoutGenerator = static args => new ValueTask<TimeSpan>(RemainingOrMinimum(args.Context.GetDeadline())),
            OnTimeout = options.OnTimeout,
        });
    }

    // The outer strategy has refused expired deadlines, but a few ticks may pass before the timeout starts; Polly
    // reads zero as "no timeout", so keep the smallest positive timeout instead.
    private static TimeSpan RemainingOrMinimum(Deadline deadline) =>
        deadline.Remaining is var remaining && remaining > TimeSpan.Zero ? remaining : TimeSpan.FromTicks(1);
}
