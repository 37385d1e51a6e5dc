using System.Globalization;
using System.Net.Http.Headers;

namespace Cairn.Resilience.Deadlines;

/// <summary>
/// Carries a <see cref="Deadline"/> over HTTP as the <c>cairn-deadline-ms</c> header: the time remaining in whole
/// milliseconds (an unsigned integer, rounded down), measured when the request is sent.
/// </summary>
/// <remarks>
/// Rounding down means a hop never receives more time than its caller had. A receiver starts its own deadline when
/// it reads the header, so the network transit time is not counted against it.
/// </remarks>
public static class DeadlineHeader
{
    /// <summary>The header's name.</summary>
    public const string Name = "cairn-deadline-ms";

    /// <summary>Formats the time remaining as the header's value.</summary>
    /// <param name="deadline">A real deadline.</param>
    /// <returns>The whole milliseconds remaining, rounded down.</returns>
    /// <exception cref="ArgumentException"><paramref name="deadline"/> is <see cref="Deadline.None"/>.</exception>
    public static string Format(Deadline deadline)
    {
        if (!deadline.HasValue)
        {
            throw new ArgumentException("A missing deadline has no header value.", nameof(deadline));
        }

        return ((long)deadline.Remaining.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Sets the header on an outgoing request, replacing any earlier value; does nothing for <see cref="Deadline.None"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="deadline">The deadline to propagate.</param>
    public static void Write(HttpRequestMessage request, Deadline deadline)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(Name);
        if (deadline.HasValue)
        {
            request.Headers.TryAddWithoutValidation(Name, Format(deadline));
        }
    }

    /// <summary>Reads the header from received or outgoing headers.</summary>
    /// <param name="headers">The headers.</param>
    /// <param name="timeProvider">The clock the deadline is measured on, starting now.</param>
    /// <param name="deadline">The deadline, or <see cref="Deadline.None"/>.</param>
    /// <returns><see langword="true"/> if the header is present once and valid.</returns>
    public static bool TryRead(HttpHeaders headers, TimeProvider timeProvider, out Deadline deadline)
    {
        ArgumentNullException.ThrowIfNull(headers);
        deadline = Deadline.None;
        return headers.TryGetValues(Name, out var values)
            && values.Count() == 1
            && TryParse(values.First(), timeProvider, out deadline);
    }

    /// <summary>Parses a header value, e.g. one read from an ASP.NET Core request.</summary>
    /// <param name="value">The value: whole milliseconds remaining.</param>
    /// <param name="timeProvider">The clock the deadline is measured on, starting now.</param>
    /// <param name="deadline">The deadline, or <see cref="Deadline.None"/> when the value is invalid.</param>
    /// <returns><see langword="true"/> if the value is a non-negative integer.</returns>
    public static bool TryParse(string? value, TimeProvider timeProvider, out Deadline deadline)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds <= (long)TimeSpan.MaxValue.TotalMilliseconds)
        {
            deadline = Deadline.After(TimeSpan.FromMilliseconds(milliseconds), timeProvider);
            return true;
        }

        deadline = Deadline.None;
        return false;
    }
}
