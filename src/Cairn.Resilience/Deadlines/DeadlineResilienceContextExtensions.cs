using Polly;

namespace Cairn.Resilience.Deadlines;

/// <summary>Reads and writes the propagated <see cref="Deadline"/> in a <see cref="ResilienceContext"/>'s properties.</summary>
public static class DeadlineResilienceContextExtensions
{
    /// <summary>The property key under which the deadline is stored.</summary>
    public static readonly ResiliencePropertyKey<Deadline> Key = new("Cairn.Deadline");

    /// <summary>Stores the deadline a call must meet, e.g. one read from an incoming request's header.</summary>
    /// <param name="context">The context.</param>
    /// <param name="deadline">The deadline; <see cref="Deadline.None"/> clears it.</param>
    public static void SetDeadline(this ResilienceContext context, Deadline deadline)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Properties.Set(Key, deadline);
    }

    /// <summary>Gets the deadline stored in the context.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The deadline, or <see cref="Deadline.None"/>.</returns>
    public static Deadline GetDeadline(this ResilienceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Properties.GetValue(Key, Deadline.None);
    }
}
