using Cairn.Node;
using Cairn.Raft;
using Cairn.Simulation.Kv;
using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation;

// The workload: clients issue get, put, compare-and-swap and delete over a few keys, retry on timeouts and
// redirects with the same sequence number, and every invocation and answer goes into the history.
public sealed partial class ClusterSimulation
{
    private static readonly string[] _keys = ["a", "b", "c"];
    private int _operationCount;

    private void StepClient(SimulatedClient client)
    {
        if (client.Current is null)
        {
            if (!_faultsActive || client.IdleUntil > _now || !_random.Chance(0.3))
            {
                return;
            }

            client.Current = NewOperation(client);
            client.Submitted = false;
        }

        var target = _nodes.GetValueOrDefault(client.Target);
        var lost = target is null || !target.IsUp || target.Incarnation != client.TargetIncarnation;
        if (_now - client.SentAt >= _options.ClientTimeoutTicks)
        {
            // No answer in time: give up on that node and try another.
            client.Target = NodeId.None;
            Submit(client);
        }
        else if (!client.Submitted || lost)
        {
            Submit(client);
        }
    }

    private PendingOperation NewOperation(SimulatedClient client)
    {
        var roll = _random.Next(100);
        var kind = roll switch
        {
            < 35 => KvOperationKind.Get,
            < 65 => KvOperationKind.Put,
            < 90 => KvOperationKind.CompareAndSwap,
            _ => KvOperationKind.Delete,
        };
        var key = _keys[_random.Next(_keys.Length)];
        var sequence = client.NextSequence++;
        var value = kind is KvOperationKind.Put or KvOperationKind.CompareAndSwap ? $"v{client.Id}.{sequence}" : null;
        var expected = kind == KvOperationKind.CompareAndSwap ? client.LastSeen.GetValueOrDefault(key) : null;
        return new PendingOperation(++_operationCount, kind, key, value, expected, sequence, _now);
    }

    private void Submit(SimulatedClient client)
    {
        var operation = client.Current!;
        var node = PickNode(client);
        client.Submitted = false;
        if (node is null)
        {
            return;
        }

        if (client.Target != node.Id || client.TargetIncarnation != node.Incarnation)
        {
            // A new connection: the client's timeout runs from here.
            client.Target = node.Id;
            client.TargetIncarnation = node.Incarnation;
            client.SentAt = _now;
        }

        if (node.PausedUntil > _now)
        {
            // The request sits in the frozen node's socket until it wakes (or the client times out).
            return;
        }

        client.SentAt = _now;
        client.Submitted = true;
        var attempt = ++client.Attempt;
        if (operation.Kind == KvOperationKind.Get)
        {
            node.Loop!.ReadIndex(outcome => OnOutcome(client, attempt, node, outcome));
        }
        else
        {
            var command = new KvCommand(client.Id, operation.Sequence, operation.Kind, operation.Key, operation.Value, operation.Expected);
            node.Loop!.Propose(command.Encode(), outcome => OnOutcome(client, attempt, node, outcome));
        }
    }

    /// <summary>The runtime's answer to one attempt; answers to attempts the client has given up on are ignored.</summary>
    private void OnOutcome(SimulatedClient client, int attempt, SimulatedNode node, ProposalOutcome outcome)
    {
        if (client.Current is not { } op || client.Attempt != attempt)
        {
            return;
        }

        client.Submitted = false;
        switch (outcome.Status)
        {
            case ProposalStatus.Applied when op.Kind == KvOperationKind.Get:
                // The read barrier passed: local state is current, read it now.
                var value = node.Machine!.Kv.Get(op.Key);
                client.LastSeen[op.Key] = value;
                Complete(client, new KvResult(true, value));
                break;
            case ProposalStatus.Applied:
                var result = (KvResult)outcome.Result!;
                client.LastSeen[op.Key] = op.Kind == KvOperationKind.Delete ? null : result.Ok ? op.Value : client.LastSeen.GetValueOrDefault(op.Key);
                Complete(client, result);
                break;
            case ProposalStatus.NotLeader or ProposalStatus.Stopped:
                // Follow the redirect next tick, or try someone else when there is no hint.
                client.Target = outcome.Leader;
                break;
            default:
                // Lost or busy: retry (same sequence number, so at most once) on the next tick.
                break;
        }
    }

    private SimulatedNode? PickNode(SimulatedClient client)
    {
        if (_nodes.TryGetValue(client.Target, out var target) && target.IsUp && !target.IsDecommissioned)
        {
            return target;
        }

        var up = _nodes.Values.Where(n => n.IsUp && !n.IsDecommissioned).ToList();
        return up.Count == 0 ? null : up[_random.Next(up.Count)];
    }

    private void Complete(SimulatedClient client, KvResult result)
    {
        var op = client.Current!;
        _history.Add(new KvOperation(op.HistoryId, client.Id, op.Kind, op.Key, op.Value, op.Expected, op.Invoked, _now, result));
        client.Current = null;
        client.Submitted = false;

        // Now and then a client thinks for a while before its next request, still connected to the same node: a
        // request that reaches a stale leader after the world moved on is how unsafe reads show.
        if (_random.Chance(0.2))
        {
            client.IdleUntil = _now + 10 + _random.Next(60);
        }
    }

    private IEnumerable<KvOperation> PendingOperations() =>
        _clients.Where(c => c.Current is not null).Select(c =>
        {
            var op = c.Current!;
            return new KvOperation(op.HistoryId, c.Id, op.Kind, op.Key, op.Value, op.Expected, op.Invoked, null, null);
        });
}
