namespace Cairn.State;

/// <summary>
/// How the promoted leader's clock maps to committed time: its progress since its promotion, added to the committed
/// time at that promotion. <see cref="ExpireLeasesCommand"/> advances committed time through this mapping, and lease
/// grants and keep-alives take their start from it, so both read the leader's clock the same way.
/// </summary>
/// <param name="Epoch">The epoch of the last promotion (0 before any).</param>
/// <param name="LeaderBaseMs">The leader's clock when it was promoted.</param>
/// <param name="CommittedBaseMs">The committed time when it was promoted.</param>
internal readonly record struct LeaderEpochClock(ulong Epoch, ulong LeaderBaseMs, ulong CommittedBaseMs)
{
    /// <summary>
    /// The committed time that the leader's clock reading <paramref name="leaderNowMs"/> stands for. A reading below the
    /// promotion's counts as no progress; the sum saturates rather than wrapping, so a huge reading cannot come out small.
    /// </summary>
    public ulong ToCommittedMs(ulong leaderNowMs)
    {
        var progressMs = leaderNowMs > LeaderBaseMs ? leaderNowMs - LeaderBaseMs : 0;
        return CommittedBaseMs > ulong.MaxValue - progressMs ? ulong.MaxValue : CommittedBaseMs + progressMs;
    }
}
