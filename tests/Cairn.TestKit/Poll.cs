namespace Cairn.TestKit;

/// <summary>
/// Waiting for a condition in tests that run on real clocks and threads: check, and check again shortly, until it
/// holds or a deadline passes. The short pause between checks is not a wait for the condition; the deadline bounds it.
/// </summary>
public static class Poll
{
    /// <summary>Checks <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="deadline"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan deadline, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow + deadline;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"timed out after {deadline.TotalSeconds:0.#} s waiting for {what}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(10)).ConfigureAwait(false);
        }
    }

    /// <summary>The synchronous-condition form of <see cref="UntilAsync(Func{Task{bool}}, string, TimeSpan, TimeSpan?)"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan deadline, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), what, deadline, interval);
    }
}
