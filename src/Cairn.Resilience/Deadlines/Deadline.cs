using Cairn.Resilience.Internal;

namespace Cairn.Resilience.Deadlines;

/// <summary>
/// The moment by which a call must finish, measured on a <see cref="TimeProvider"/>'s monotonic timestamps so a
/// wall-clock step does not stretch or cut it. <see langword="default"/> is "no deadline".
/// </summary>
/// <remarks>
/// Across process boundaries a deadline travels as the time remaining (see <see cref="DeadlineHeader"/>), never as
/// a wall-clock instant, so the two hosts' clocks need not agree; the transit time of the message is not subtracted.
/// </remarks>
public readonly record struct Deadline
{
    private readonly TimeProvider? _timeProvider;
    private readonly long _expiresAtTimestamp;

    private Deadline(TimeProvider timeProvider, long expiresAtTimestamp)
    {
        _timeProvider = timeProvider;
        _expiresAtTimestamp = expiresAtTimestamp;
    }

    /// <summary>Gets the absence of a deadline.</summary>
    public static Deadline None => default;

    /// <summary>Gets a value indicating whether this is a real deadline rather than <see cref="None"/>.</summary>
    public bool HasValue => _timeProvider is not null;

    /// <summary>Gets the time left, never negative; <see cref="TimeSpan.MaxValue"/> for <see cref="None"/>.</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (_timeProvider is null)
            {
                return TimeSpan.MaxValue;
            }

            var left = _expiresAtTimestamp - _timeProvider.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : Timestamps.ToTimeSpan(_timeProvider, left);
        }
    }

    /// <summary>Gets a value indicating whether no time is left.</summary>
    public bool IsExpired => _timeProvider is not null && _expiresAtTimestamp <= _timeProvider.GetTimestamp();

    /// <summary>Creates a deadline <paramref name="remaining"/> from now.</summary>
    /// <param name="remaining">The time left; negative counts as zero, <see cref="TimeSpan.MaxValue"/> as never.</param>
    /// <param name="timeProvider">The clock that measures it.</param>
    /// <returns>The deadline.</returns>
    public static Deadline After(TimeSpan remaining, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var now = timeProvider.GetTimestamp();
        var ticks = remaining <= TimeSpan.Zero ? 0 : Timestamps.FromTimeSpan(timeProvider, remaining);
        return new Deadline(timeProvider, ticks > long.MaxValue - now ? long.MaxValue : now + ticks);
    }

    /// <summary>Creates a deadline from a gRPC deadline (<c>ServerCallContext.Deadline</c> or <c>CallOptions.Deadline</c>).</summary>
    /// <param name="deadlineUtc">The UTC instant; <see cref="DateTime.MaxValue"/> means none, as in gRPC.</param>
    /// <param name="timeProvider">The clock; its UTC now converts the instant into time remaining.</param>
    /// <returns>The deadline, or <see cref="None"/>.</returns>
    public static Deadline FromGrpcDeadline(DateTime deadlineUtc, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (deadlineUtc == DateTime.MaxValue)
        {
            return None;
        }

        var utc = deadlineUtc.Kind == DateTimeKind.Local ? deadlineUtc.ToUniversalTime() : deadlineUtc;
        return After(new DateTimeOffset(utc.Ticks, TimeSpan.Zero) - timeProvider.GetUtcNow(), timeProvider);
    }

    /// <summary>Returns whichever deadline comes first; <see cref="None"/> never wins over a real deadline.</summary>
    /// <param name="first">One deadline.</param>
    /// <param name="second">The other, measured on the same clock.</param>
    /// <returns>The earlier deadline.</returns>
    public static Deadline Earliest(Deadline first, Deadline second)
    {
        if (!first.HasValue)
        {
            return second;
        }

        if (!second.HasValue)
        {
            return first;
        }

        return first._expiresAtTimestamp <= second._expiresAtTimestamp ? first : second;
    }

    /// <summary>Converts to a gRPC deadline for an outgoing call.</summary>
    /// <returns>The UTC instant; <see cref="DateTime.MaxValue"/> for <see cref="None"/>.</returns>
    public DateTime ToGrpcDeadline() =>
        _timeProvider is null ? DateTime.MaxValue : (_timeProvider.GetUtcNow() + Remaining).UtcDateTime;
}
