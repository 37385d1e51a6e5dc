using System.Text;
using Cairn.Node;
using Cairn.Raft;
using Cairn.Simulation.Linearizability;
using Cairn.State;
using Cairn.State.Kv;
using KvOperation = Cairn.Simulation.Linearizability.KvOperation;

namespace Cairn.Simulation;

// The workload: each client opens a session, then issues get, put, compare-and-swap (on value or on version) and
// delete over a few keys, and lease requests (grant, put a key on the lease, keep-alive, time-to-live, revoke) on
// keys of its own. It retries on timeouts and redirects with the same session and sequence number, and every
// invocation and answer on the checked keys goes into the history.
public sealed partial class ClusterSimulation
{
    private static readonly string[] _keys = ["a", "b", "c"];
    private static readonly ulong[] _leaseTtlsMs = [250, 600, 1_500, 4_000];
    private readonly List<KvOperation> _abandoned = [];
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
        var id = ++_operationCount;
        if (client.SessionId == 0)
        {
            var register = StateCodec.EncodeCommand(new RegisterSessionCommand());
            return new PendingOperation(0, ClientRequestKind.RegisterSession, "", null, null, 0, 0, 0, 0, 0, _now, register);
        }

        var kind = PickKind(client);
        var key = kind switch
        {
            ClientRequestKind.PutOnLease => $"l{client.Id}.{id}",
            ClientRequestKind.LeaseGrant or ClientRequestKind.LeaseKeepAlive or ClientRequestKind.LeaseTimeToLive or ClientRequestKind.LeaseRevoke => "",
            _ => _keys[_random.Next(_keys.Length)],
        };
        var value = kind switch
        {
            ClientRequestKind.Put or ClientRequestKind.CompareAndSwap or ClientRequestKind.CompareVersionAndSwap => $"v{id}",
            ClientRequestKind.PutOnLease => $"l{id}",
            _ => null,
        };
        var expected = kind == ClientRequestKind.CompareAndSwap ? client.LastSeen.GetValueOrDefault(key) : null;
        var expectedVersion = kind == ClientRequestKind.CompareVersionAndSwap ? client.LastSeenVersion.GetValueOrDefault(key) : 0;
        var ttlMs = kind == ClientRequestKind.LeaseGrant ? _leaseTtlsMs[_random.Next(_leaseTtlsMs.Length)] : 0;
        var leaseId = kind == ClientRequestKind.LeaseGrant ? 0 : client.LeaseId;
        var viaLog = kind != ClientRequestKind.Get || _random.Chance(0.1);
        var sequence = viaLog ? client.NextSequence++ : 0;
        var sessionId = viaLog ? client.SessionId : 0;
        var operation = new PendingOperation(
            IsChecked(kind) ? id : 0, kind, key, value, expected, expectedVersion, sessionId, sequence, leaseId, ttlMs, _now, null);
        operation = operation with { Command = viaLog ? StateCodec.EncodeCommand(ToCommand(operation), sessionId, sequence) : null };
        if (sessionId != 0)
        {
            _requests[(sessionId, sequence)] = operation;
        }

        return operation;
    }

    private ClientRequestKind PickKind(SimulatedClient client)
    {
        if (client.LeaseId != 0 && client.KeepsLeaseAlive && _now >= client.NextKeepAliveAt)
        {
            return ClientRequestKind.LeaseKeepAlive;
        }

        // A client back from thinking mostly reads first: on a node deposed meanwhile, that is the read that goes stale.
        var thought = client.Thought;
        client.Thought = false;
        var hasLease = client.LeaseId != 0;
        return _random.Next(100) switch
        {
            < 35 => ClientRequestKind.Get,
            _ when thought && _random.Chance(0.5) => ClientRequestKind.Get,
            < 57 => ClientRequestKind.Put,
            < 67 => ClientRequestKind.CompareAndSwap,
            < 77 => ClientRequestKind.CompareVersionAndSwap,
            < 85 => ClientRequestKind.Delete,
            < 93 => hasLease ? ClientRequestKind.PutOnLease : ClientRequestKind.LeaseGrant,
            < 97 when hasLease => ClientRequestKind.LeaseTimeToLive,
            < 100 when hasLease => ClientRequestKind.LeaseRevoke,
            _ => ClientRequestKind.Get,
        };
    }

    private static bool IsChecked(ClientRequestKind kind) => kind is ClientRequestKind.Get or ClientRequestKind.Put
        or ClientRequestKind.CompareAndSwap or ClientRequestKind.CompareVersionAndSwap or ClientRequestKind.Delete;

    private static StateCommand ToCommand(PendingOperation operation)
    {
        var key = Encoding.UTF8.GetBytes(operation.Key);
        var value = Encoding.UTF8.GetBytes(operation.Value ?? "");
        return operation.Kind switch
        {
            ClientRequestKind.Get => new KvRangeCommand(key),
            ClientRequestKind.Put => new KvPutCommand(key, value),
            ClientRequestKind.CompareAndSwap => new KvTxnCommand(
                [operation.Expected is null ? KvCompare.Missing(key) : KvCompare.ValueEquals(key, Encoding.UTF8.GetBytes(operation.Expected))],
                [new KvPutCommand(key, value)],
                []),
            ClientRequestKind.CompareVersionAndSwap => new KvTxnCommand(
                [KvCompare.VersionIs(key, KvCompareOperator.Equal, operation.ExpectedVersion)], [new KvPutCommand(key, value)], []),
            ClientRequestKind.Delete => new KvDeleteCommand(key),
            ClientRequestKind.LeaseGrant => new LeaseGrantCommand(0, operation.TtlMs),
            ClientRequestKind.PutOnLease => new KvPutCommand(key, value, operation.LeaseId),
            ClientRequestKind.LeaseKeepAlive => new LeaseKeepAliveCommand(operation.LeaseId),
            ClientRequestKind.LeaseTimeToLive => new LeaseTimeToLiveCommand(operation.LeaseId, Keys: true),
            ClientRequestKind.LeaseRevoke => new LeaseRevokeCommand(operation.LeaseId),
            _ => throw new InvalidOperationException($"{operation.Kind} has no command"),
        };
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
        if (operation.Command is null)
        {
            node.Loop!.ReadIndex(outcome => OnOutcome(client, attempt, node, outcome));
        }
        else if (operation.Kind is ClientRequestKind.LeaseGrant or ClientRequestKind.LeaseKeepAlive && ToCommand(operation) is ILeaderStampedCommand stamped)
        {
            // As the server's CommandGateway does: only a leader proposes a lease command, stamped with its term and
            // simulated clock, so each retry carries the clock of the node and moment it is proposed at.
            var core = node.Core!;
            var bytes = core.Role == RaftRole.Leader
                ? StateCodec.EncodeCommand(stamped.StampLeaderClock(core.Term.Value, ClockMs(node)), operation.SessionId, operation.Sequence)
                : operation.Command!;
            node.Loop!.ProposeAsLeader(bytes, outcome => OnOutcome(client, attempt, node, outcome));
        }
        else
        {
            // A follower forwards the command to the leader inside Raft.
            node.Loop!.Propose(operation.Command!, outcome => OnOutcome(client, attempt, node, outcome));
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
            case ProposalStatus.Applied when op.Command is null:
                // The read barrier passed: local state is current, read it now.
                CompleteGet(client, node.Machine!.State.Query(new KvRangeCommand(Encoding.UTF8.GetBytes(op.Key))));
                break;
            case ProposalStatus.Applied when _faultsActive && op.Kind != ClientRequestKind.Get && _random.Chance(0.03):
                // Buggify: the reply is lost on its way back; the client retries elsewhere with the same sequence number.
                client.Target = NodeId.None;
                break;
            case ProposalStatus.Applied:
                OnAnswer(client, ((ApplyResult)outcome.Result!).Response);
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

    private void OnAnswer(SimulatedClient client, StateResponse response)
    {
        var op = client.Current!;
        if (response is ErrorResponse { Code: StateStatus.SessionExpired } && op.SessionId != 0)
        {
            // The session is gone, so an earlier attempt may or may not have been applied; the client must not retry
            // it in a new session. Its outcome stays unknown, and the client registers again.
            Record($"client {client.Id}: session {op.SessionId} expired; registering a new one");
            Abandon(client);
            client.SessionId = 0;
            return;
        }

        switch (op.Kind)
        {
            case ClientRequestKind.RegisterSession when response is SessionRegisteredResponse registered:
                client.SessionId = registered.SessionId;
                client.NextSequence = 1;
                Finish(client, null);
                break;
            case ClientRequestKind.Get:
                CompleteGet(client, response);
                break;
            case ClientRequestKind.Put or ClientRequestKind.Delete when response is KvTxnResponse:
                client.LastSeen[op.Key] = op.Value;
                client.LastSeenVersion.Remove(op.Key);
                Finish(client, new KvResult(true, null));
                break;
            case ClientRequestKind.CompareAndSwap or ClientRequestKind.CompareVersionAndSwap when response is KvTxnResponse txn:
                if (txn.Succeeded)
                {
                    client.LastSeen[op.Key] = op.Value;
                    client.LastSeenVersion[op.Key] = op.ExpectedVersion + 1;
                }

                Finish(client, new KvResult(txn.Succeeded, null));
                break;
            case ClientRequestKind.LeaseGrant or ClientRequestKind.LeaseKeepAlive or ClientRequestKind.PutOnLease
                or ClientRequestKind.LeaseTimeToLive or ClientRequestKind.LeaseRevoke:
                OnLeaseAnswer(client, op, response);
                break;
            default:
                _checker.Fail(_now, $"client {client.Id}: {op.Kind} on \"{op.Key}\" got an unexpected answer: {response}");
                Abandon(client);
                break;
        }
    }

    private void OnLeaseAnswer(SimulatedClient client, PendingOperation op, StateResponse response)
    {
        switch (response)
        {
            case LeaseGrantResponse granted:
                client.LeaseId = granted.LeaseId;
                client.LeaseTtlMs = granted.TtlMs;
                client.KeepsLeaseAlive = _random.Chance(0.7);
                client.NextKeepAliveAt = _now + KeepAliveEveryTicks(client);
                break;
            case LeaseKeepAliveResponse:
                client.NextKeepAliveAt = _now + KeepAliveEveryTicks(client);
                break;
            case LeaseRevokeResponse:
            case ErrorResponse { Code: StateStatus.LeaseNotFound }:
                // Revoked, or expired under the client (the lease checker judges whether that was allowed).
                client.LeaseId = client.LeaseId == op.LeaseId ? 0 : client.LeaseId;
                break;
            case KvTxnResponse or LeaseTimeToLiveResponse:
                break;
            default:
                _checker.Fail(_now, $"client {client.Id}: {op.Kind} on lease {op.LeaseId} got an unexpected answer: {response}");
                break;
        }

        Finish(client, null);
    }

    private long KeepAliveEveryTicks(SimulatedClient client) => Math.Max(1, (long)client.LeaseTtlMs / MillisecondsPerTick / 3);

    private void CompleteGet(SimulatedClient client, StateResponse response)
    {
        var op = client.Current!;
        if (response is not KvTxnResponse { Responses: [KvRangeResponse range] })
        {
            _checker.Fail(_now, $"client {client.Id}: get \"{op.Key}\" got an unexpected answer: {response}");
            Abandon(client);
            return;
        }

        var kv = range.Kvs.Count > 0 ? range.Kvs[0] : null;
        var value = kv is null ? null : Encoding.UTF8.GetString(kv.Value);
        client.LastSeen[op.Key] = value;
        client.LastSeenVersion[op.Key] = kv?.Version ?? 0;
        Finish(client, new KvResult(true, value, kv?.Version ?? 0));
    }

    /// <summary>The client has its answer: the operation joins the history (if it is on a checked key).</summary>
    private void Finish(SimulatedClient client, KvResult? result)
    {
        var op = client.Current!;
        if (op.HistoryId != 0)
        {
            _history.Add(ToHistory(client, op, _now, result));
        }

        client.Current = null;
        client.Submitted = false;

        // Now and then a client thinks for a while before its next request, still connected to the same node: a
        // request that reaches a stale leader after the world moved on is how unsafe reads show.
        if (_random.Chance(0.2))
        {
            client.IdleUntil = _now + 10 + _random.Next(60);
            client.Thought = true;
        }
    }

    /// <summary>The client gives up on its operation without knowing whether it took effect.</summary>
    private void Abandon(SimulatedClient client)
    {
        var op = client.Current!;
        if (op.HistoryId != 0)
        {
            _abandoned.Add(ToHistory(client, op, null, null));
        }

        client.Current = null;
        client.Submitted = false;
    }

    private static KvOperation ToHistory(SimulatedClient client, PendingOperation op, long? returned, KvResult? result)
    {
        var kind = op.Kind switch
        {
            ClientRequestKind.Get => KvOperationKind.Get,
            ClientRequestKind.Put => KvOperationKind.Put,
            ClientRequestKind.CompareAndSwap => KvOperationKind.CompareAndSwap,
            ClientRequestKind.CompareVersionAndSwap => KvOperationKind.CompareVersionAndSwap,
            _ => KvOperationKind.Delete,
        };
        return new KvOperation(op.HistoryId, client.Id, kind, op.Key, op.Value, op.Expected, op.Invoked, returned, result, op.ExpectedVersion);
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

    private IEnumerable<KvOperation> PendingOperations() =>
        _clients.Where(c => c.Current is { HistoryId: not 0 }).Select(c => ToHistory(c, c.Current!, null, null)).Concat(_abandoned);
}
