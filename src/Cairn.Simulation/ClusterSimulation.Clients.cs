using Cairn.Raft;
using Cairn.Simulation.Kv;
using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation;

// The workload: clients issue get, put, compare-and-swap and delete over a few keys, retry on timeouts and
// redirects with the same sequence number, and every invocation and answer goes into the history.
public sealed partial class ClusterSimulation
{
    private static readonly string[] _keys = ["a", "b", "c"];
    private ulong _nextReadRequest;
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
        ProposeResult result;
        if (operation.Kind == KvOperationKind.Get)
        {
            client.ReadRequest = ++_nextReadRequest;
            result = node.Core!.ReadIndex(client.ReadRequest);
        }
        else
        {
            var command = new KvCommand(client.Id, operation.Sequence, operation.Kind, operation.Key, operation.Value, operation.Expected);
            result = node.Core!.Propose(command.Encode(), out _);
        }

        if (result == ProposeResult.Accepted)
        {
            client.Submitted = true;
        }
        else
        {
            // Follow the redirect next tick, or try someone else when there is no hint.
            client.Target = node.Core.Leader.IsNone ? NodeId.None : node.Core.Leader;
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

    private void CompleteWrite(SimulatedNode node, KvCommand command, KvResult result)
    {
        var client = _clients[command.ClientId - 1];
        if (client.Current is { } op && op.Sequence == command.Sequence && client.Submitted && IsWaitingOn(client, node))
        {
            if (op.Kind == KvOperationKind.Delete)
            {
                client.LastSeen[op.Key] = null;
            }
            else if (result.Ok)
            {
                client.LastSeen[op.Key] = op.Value;
            }

            Complete(client, result);
        }
    }

    private void AnswerReads(SimulatedNode node)
    {
        var applied = node.Core!.Applied;
        node.WaitingReads.RemoveAll(read =>
        {
            if (read.Index > applied)
            {
                return false;
            }

            var client = _clients.FirstOrDefault(c => c.Current?.Kind == KvOperationKind.Get && c.ReadRequest == read.RequestId && c.Submitted);
            if (client is not null && IsWaitingOn(client, node))
            {
                var value = node.Machine.Get(client.Current!.Key);
                client.LastSeen[client.Current.Key] = value;
                Complete(client, new KvResult(true, value));
            }

            return true;
        });
    }

    private static bool IsWaitingOn(SimulatedClient client, SimulatedNode node) =>
        client.Target == node.Id && client.TargetIncarnation == node.Incarnation;

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
