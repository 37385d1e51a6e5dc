using Cairn.Node;
using Cairn.Raft;
using Cairn.State;
using Cairn.State.Kv;

namespace Cairn.Simulation;

// What only a leader does, as the server's LeaderDuties do it, but on the simulated clock: on becoming leader it
// commits PromoteLeader (its term as the epoch, its clock, one election timeout of grace), then every sweep interval
// it commits ExpireLeases carrying its clock, which advances committed time and expires what is due — again at once
// when the machine says more is due — and now and then compacts the watch history down to the run's retention when it
// holds more than twice that. One duty at a time; a deposed or paused leader's late duties race the new leader's, as
// they would in production.
public sealed partial class ClusterSimulation
{
    /// <summary>Simulated milliseconds per tick: an election timeout of 10 ticks is 100 ms.</summary>
    internal const int MillisecondsPerTick = 10;

    /// <summary>Ticks between two sweeps of a leader (100 ms, the server's <c>LeaderDuties.Interval</c>).</summary>
    private const int SweepIntervalTicks = 10;

    /// <summary>Ticks between two checks of whether the history is due for compaction.</summary>
    private const int CompactionCheckTicks = 100;

    private int _promotions;

    /// <summary>The node's monotonic clock now, in milliseconds.</summary>
    private ulong ClockMs(SimulatedNode node) => node.ClockOffsetMs + ((ulong)_now * MillisecondsPerTick);

    private ulong GraceMs => (ulong)(_options.ElectionTimeoutTicks * MillisecondsPerTick);

    private void RunLeaderDuties(SimulatedNode node)
    {
        if (!node.IsUp || node.PausedUntil > _now || node.DutyInFlight || node.Core!.Role != RaftRole.Leader)
        {
            return;
        }

        var term = node.Core.Term.Value;
        if (node.PromotedTerm != term)
        {
            ProposeDuty(node, new PromoteLeaderCommand(term, ClockMs(node), GraceMs), response =>
            {
                if (response is LeaderPromotedResponse promoted)
                {
                    Record($"{node.Id} promoted in t{term}: leases extended by {GraceMs} ms, committed time {promoted.CommittedTimeMs} ms");
                    node.PromotedTerm = term;
                    node.NextSweepAt = _now + SweepIntervalTicks;
                    _promotions++;
                }
            });
        }
        else if (_now >= node.NextSweepAt)
        {
            node.NextSweepAt = _now + SweepIntervalTicks;
            ProposeDuty(node, new ExpireLeasesCommand(term, ClockMs(node)), response =>
            {
                if (response is TimeAdvancedResponse { More: true })
                {
                    node.NextSweepAt = _now;
                }
            });
        }
        else if (_compactionRetention > 0 && _now >= node.NextCompactionCheckAt)
        {
            node.NextCompactionCheckAt = _now + CompactionCheckTicks;
            var state = node.Machine!.State;
            if (state.Revision > state.Kv.CompactRevision + (2 * _compactionRetention))
            {
                ProposeDuty(node, new KvCompactCommand(state.Revision - _compactionRetention), _ => { });
            }
        }
    }

    private void ProposeDuty(SimulatedNode node, StateCommand command, Action<StateResponse> applied)
    {
        node.DutyInFlight = true;
        var incarnation = node.Incarnation;
        node.Loop!.ProposeAsLeader(StateCodec.EncodeCommand(command), outcome =>
        {
            if (node.Incarnation != incarnation)
            {
                return;
            }

            node.DutyInFlight = false;
            if (outcome.Status == ProposalStatus.Applied)
            {
                applied(((ApplyResult)outcome.Result!).Response);
            }
        });
    }
}
