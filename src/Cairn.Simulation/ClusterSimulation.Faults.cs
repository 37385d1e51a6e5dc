using Cairn.Raft;

namespace Cairn.Simulation;

// The nemesis: crashes and restarts, partitions of every shape, lossy and slow networks, slow nodes, membership
// changes and leadership transfers, all drawn from the run's seed during the safety phase.
public sealed partial class ClusterSimulation
{
    private void InjectFaults()
    {
        // Crashed nodes come back on their own after a while, so most of the run has a working majority.
        foreach (var node in _nodes.Values.Where(n => !n.IsUp && !n.IsDecommissioned && _random.Chance(0.02)).ToList())
        {
            Restart(node);
        }

        if (!_random.Chance(_faultChance))
        {
            return;
        }

        _faults++;
        switch (_random.Next(12))
        {
            case 11:
                PauseSomeone();
                break;
            case 0 or 1:
                CrashSomeone();
                break;
            case 2:
                IsolateLeader();
                break;
            case 3:
                SplitRandomly();
                break;
            case 4:
                Bridge();
                break;
            case 5:
                CutOneWay();
                break;
            case 6 or 7:
                _network.HealAll();
                Record("heal partitions");
                break;
            case 8:
                ChangeWeather();
                break;
            case 9:
                ChangeMembership();
                break;
            default:
                TransferLeadership();
                break;
        }
    }

    private List<SimulatedNode> Members() => [.. _nodes.Values.Where(n => !n.IsDecommissioned)];

    private void CrashSomeone()
    {
        // Leaders are crashed more often than their share: leader changes are where the protocol is tested.
        var up = Members().Where(n => n.IsUp).ToList();
        if (CurrentLeader() is { } leader && _random.Chance(0.5))
        {
            Crash(leader, "nemesis, the leader");
        }
        else if (up.Count > 0)
        {
            Crash(up[_random.Next(up.Count)], "nemesis");
        }
    }

    private void PauseSomeone()
    {
        var up = Members().Where(n => n.IsUp).ToList();
        var node = CurrentLeader() is { } leader && _random.Chance(0.5) ? leader : up.Count > 0 ? up[_random.Next(up.Count)] : null;
        if (node is not null)
        {
            node.PausedUntil = _now + 10 + _random.Next(150);
            Record($"pause {node.Id} until t={node.PausedUntil}");
        }
    }

    private void Crash(SimulatedNode node, string why)
    {
        node.Crash();
        Record($"crash {node.Id} ({why}): disk keeps last {node.Disk.LastIndex}, {node.Disk.HardState}");
    }

    private void Restart(SimulatedNode node)
    {
        StartNode(node);
        Record($"restart {node.Id} from snapshot {node.Disk.Snapshot.Metadata.Index}, log to {node.Disk.LastIndex}");
    }

    private void IsolateLeader()
    {
        if (CurrentLeader() is not { } leader)
        {
            return;
        }

        foreach (var other in _nodes.Keys.Where(id => id != leader.Id))
        {
            _network.Cut(leader.Id, other);
            _network.Cut(other, leader.Id);
        }

        Record($"partition: isolate leader {leader.Id}");
    }

    private void SplitRandomly()
    {
        var ids = _nodes.Keys.ToList();
        Shuffle(ids);
        var minority = ids.Take(_random.Next(ids.Count / 2 + 1)).ToList();
        foreach (var a in minority)
        {
            foreach (var b in ids.Except(minority))
            {
                _network.Cut(a, b);
                _network.Cut(b, a);
            }
        }

        Record($"partition: [{string.Join(",", minority)}] | [{string.Join(",", ids.Except(minority))}]");
    }

    private void Bridge()
    {
        var ids = _nodes.Keys.ToList();
        if (ids.Count < 3)
        {
            return;
        }

        Shuffle(ids);
        var bridge = ids[0];
        var left = ids.Skip(1).Take((ids.Count - 1) / 2).ToList();
        var right = ids.Skip(1 + left.Count).ToList();
        foreach (var a in left)
        {
            foreach (var b in right)
            {
                _network.Cut(a, b);
                _network.Cut(b, a);
            }
        }

        Record($"partition: bridge {bridge} between [{string.Join(",", left)}] and [{string.Join(",", right)}]");
    }

    private void CutOneWay()
    {
        var ids = _nodes.Keys.ToList();
        if (ids.Count < 2)
        {
            return;
        }

        Shuffle(ids);
        _network.Cut(ids[0], ids[1]);
        Record($"partition: {ids[0]} can no longer reach {ids[1]} (one way)");
    }

    private void ChangeWeather()
    {
        _network.LossRate = _random.Next(31) / 100.0;
        _network.DuplicationRate = _random.Next(6) / 100.0;
        _network.MaxDelayTicks = 1 + _random.Next(5);
        Record($"network: loss {_network.LossRate:P0}, duplication {_network.DuplicationRate:P0}, delay up to {_network.MaxDelayTicks} ticks");
        var members = Members();
        if (members.Count > 0)
        {
            var slow = members[_random.Next(members.Count)];
            slow.SlowUntil = _now + 20 + _random.Next(80);
            Record($"{slow.Id} slow for a while");
        }
    }

    private void ChangeMembership()
    {
        if (CurrentLeader() is not { } leader)
        {
            return;
        }

        var core = leader.Core!;
        var voters = core.Membership.Voters;
        if (voters.Count > _options.Nodes || core.Membership.Learners.Count > 0)
        {
            var victim = voters[_random.Next(voters.Count)];
            var result = core.ProposeMembershipChange(new MembershipChange(MembershipChangeKind.RemoveNode, victim, ReadOnlyMemory<byte>.Empty), out _);
            Record($"membership: remove {victim} via {leader.Id}: {result}");
            return;
        }

        // A new member always gets a fresh id and an empty disk: reusing an id with a wiped disk could vote twice in a term.
        var id = new NodeId(_nodes.Keys.Max().Value + 1);
        var added = core.ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, id, ReadOnlyMemory<byte>.Empty), out _);
        Record($"membership: add learner {id} via {leader.Id}: {added}");
        if (added == ProposeResult.Accepted)
        {
            StartNode(NewNode(id));
        }
    }

    private void TransferLeadership()
    {
        if (CurrentLeader() is not { } leader)
        {
            return;
        }

        var voters = leader.Core!.Membership.Voters.Where(v => v != leader.Id).ToList();
        if (voters.Count > 0)
        {
            var target = voters[_random.Next(voters.Count)];
            Record($"transfer leadership {leader.Id} -> {target}: {leader.Core.TransferLeadership(target)}");
        }
    }

    private void HealEverything()
    {
        _faultsActive = false;
        _network.HealAll();
        _network.LossRate = 0;
        _network.DuplicationRate = 0;
        _network.MaxDelayTicks = 2;
        foreach (var node in _nodes.Values)
        {
            node.SlowUntil = 0;
            node.PausedUntil = 0;
            if (!node.IsUp && !node.IsDecommissioned)
            {
                Restart(node);
            }
        }

        Record("heal everything: liveness phase");
    }

    private void Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
