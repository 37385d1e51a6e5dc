namespace Cairn.Server;

/// <summary>
/// The clock a leader puts into the commands that carry time: its promotion, its sweeps (both in
/// <see cref="LeaderDuties"/>) and its stamp on lease grants and keep-alives (in <see cref="CommandGateway"/>). The
/// state machine maps a leader's readings to committed time by their progress since its promotion, so every reading
/// of one leader must come from this one clock.
/// </summary>
/// <remarks>
/// Monotonic (the <see cref="TimeProvider"/>'s timestamp, a <c>Stopwatch</c> on the system provider): a wall clock
/// stepped forward by NTP would expire leases early, one stepped back would stall committed time. The readings of
/// different processes are unrelated, which the state machine allows for.
/// </remarks>
internal sealed class LeaderClock(TimeProvider time)
{
    /// <summary>Milliseconds on the monotonic clock now.</summary>
    public ulong NowMs()
    {
        var ticks = time.GetTimestamp();
        var frequency = time.TimestampFrequency;
        // Split so that ticks × 1000 cannot overflow however long the machine has been up.
        return (ulong)((ticks / frequency * 1000) + (ticks % frequency * 1000 / frequency));
    }
}
