namespace Cairn.State;

/// <summary>
/// A command whose effect is measured from the moment it was proposed (a lease grant or keep-alive), so it carries the
/// proposing leader's clock: the node that proposes stamps it, on its own event loop, just before proposing — never a
/// node that only relays the request. Apply maps the stamp to committed time through
/// <see cref="ApplyContext.ProposedAtMs"/>.
/// </summary>
public interface ILeaderStampedCommand
{
    /// <summary>The proposer's epoch (its Raft term) if it led when it proposed; 0 for none.</summary>
    ulong LeaderEpoch { get; }

    /// <summary>The proposer's clock in milliseconds when it proposed: the clock it commits <see cref="ExpireLeasesCommand"/> with.</summary>
    ulong NowMs { get; }

    /// <summary>The same command stamped with <paramref name="leaderEpoch"/> and <paramref name="nowMs"/>.</summary>
    /// <param name="leaderEpoch">The proposer's Raft term when it leads; 0 when it does not (apply then uses committed time).</param>
    /// <param name="nowMs">The proposer's clock in milliseconds (ignored by apply when <paramref name="leaderEpoch"/> is 0).</param>
    StateCommand StampLeaderClock(ulong leaderEpoch, ulong nowMs);
}
