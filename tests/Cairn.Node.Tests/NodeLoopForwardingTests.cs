using Cairn.Raft;

namespace Cairn.Node.Tests;

/// <summary>
/// A follower forwards proposals to the leader inside Raft and completes them when it applies the entry the leader made
/// of them; those the leader refuses, or never answers before the leadership changes, fail with a reason. Three loops
/// exchange messages through a queue the test delivers by hand, so every interleaving here is deliberate.
/// </summary>
public sealed class NodeLoopForwardingTests
{
    private static readonly NodeId _n1 = new(1), _n2 = new(2), _n3 = new(3);

    private readonly Dictionary<NodeId, NodeLoop> _loops = [];
    private readonly Dictionary<NodeId, CounterMachine> _machines = [];
    private readonly Dictionary<NodeId, MemoryStorage> _storages = [];
    private readonly Queue<Message> _network = new();

    public NodeLoopForwardingTests()
    {
        foreach (var id in new[] { _n1, _n2, _n3 })
        {
            _storages[id] = new MemoryStorage();
            RaftNode.Bootstrap(_storages[id], [_n1, _n2, _n3]);
            Start(id, seed: id.Value);
        }

        Elect([_n1]);
    }

    [Fact]
    public void A_follower_forwards_a_proposal_and_completes_it_with_the_state_machines_result_at_the_leaders_index()
    {
        var outcome = Propose(_n2, 5);
        Assert.Null(outcome.Value);
        Assert.Contains(DeliverAll(), m => m.Type == MessageType.Propose && m.From == _n2 && m.To == _n1);

        Assert.NotNull(outcome.Value);
        Assert.Equal(ProposalStatus.Applied, outcome.Value.Status);
        Assert.Equal(5L, outcome.Value.Result);
        Assert.Equal(_loops[_n1].Core.LastIndex, outcome.Value.Index);
        Assert.All(_machines.Values, m => Assert.Equal(5, m.Total));
    }

    [Fact]
    public void Forwarded_and_local_proposals_interleave_and_each_gets_its_own_result()
    {
        var outcomes = Enumerable.Range(1, 30).Select(i => Propose(new NodeId((ulong)(1 + (i % 3))), i)).ToList();
        DeliverAll();

        Assert.All(outcomes, o => Assert.Equal(ProposalStatus.Applied, o.Value?.Status));
        Assert.Equal(30, outcomes.Select(o => o.Value!.Index).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 30).Sum(), _machines[_n1].Total);
    }

    [Fact]
    public void A_proposal_the_leader_refuses_fails_as_busy_with_the_reason()
    {
        Assert.Equal(ProposeResult.Accepted, _loops[_n1].TransferLeadership(_n3));
        _loops[_n1].Flush();
        _network.Clear(); // hold the transfer: the leader keeps refusing proposals while it lasts

        var outcome = Propose(_n2, 1);
        DeliverAll(m => m.Type != MessageType.TimeoutNow);

        Assert.Equal(ProposalStatus.Busy, outcome.Value?.Status);
        Assert.Equal("the leader refused the forwarded proposal", outcome.Value!.Reason);
        Assert.All(_machines.Values, m => Assert.Equal(0, m.Total));
    }

    [Fact]
    public void A_forwarded_proposal_still_unanswered_when_the_leader_changes_fails_with_an_unknown_outcome()
    {
        var outcome = Propose(_n2, 1);
        _network.Clear(); // the proposal never reaches _n1

        Elect([_n2, _n3], cutOff: _n1);

        Assert.Equal(ProposalStatus.Lost, outcome.Value?.Status);
        Assert.Contains("outcome unknown", outcome.Value!.Reason, StringComparison.Ordinal);
        var again = Propose(_n2, 1);
        DeliverAll(m => m.From != _n1 && m.To != _n1);
        Assert.Equal(ProposalStatus.Applied, again.Value?.Status);
        Assert.Equal(1, _machines[_n2].Total);
    }

    [Fact]
    public void A_forwarded_entry_that_a_new_leader_overwrites_is_lost()
    {
        // _n1 appends the proposal and answers, but its appends never reach the others; a new leader overwrites it.
        var outcome = Propose(_n2, 1);
        DeliverAll(m => m.From != _n1 || m.Type == MessageType.ProposeResponse);
        Assert.Null(outcome.Value);

        var leader = Elect([_n2, _n3], cutOff: _n1);
        Propose(leader, 10);
        DeliverAll(m => m.From != _n1 && m.To != _n1);

        Assert.Equal(ProposalStatus.Lost, outcome.Value?.Status);
        Assert.Equal("overwritten by a new leader", outcome.Value!.Reason);
        Assert.Equal(10, _machines[_n2].Total);
    }

    [Fact]
    public void An_answer_meant_for_an_earlier_incarnation_matches_nothing_after_a_restart()
    {
        Propose(_n2, 1);
        var forwarded = Assert.Single(_network);
        _network.Clear();
        _loops[_n1].Receive(forwarded);
        _loops[_n1].Flush();
        var answer = Assert.Single(_network, m => m.Type == MessageType.ProposeResponse);
        _network.Clear();

        Start(_n2, seed: 99); // _n2 restarts; its request ids start elsewhere
        _loops[_n1].Tick(); // a heartbeat tells the new incarnation who leads
        _loops[_n1].Flush();
        DeliverAll();
        var outcome = Propose(_n2, 2);
        _network.Clear(); // this proposal is lost on the way; only the old answer arrives
        _loops[_n2].Receive(answer);
        _loops[_n2].Flush();
        for (var tick = 0; tick < 10 && _machines[_n2].Total == 0; tick++)
        {
            _loops[_n1].Tick();
            _loops[_n1].Flush();
            DeliverAll(m => m.Type != MessageType.Propose);
        }

        Assert.Equal(1, _machines[_n2].Total); // the earlier incarnation's entry is applied...
        Assert.Null(outcome.Value); // ...and is not taken for the new proposal, which never reached the leader
    }

    [Fact]
    public void Only_a_leader_proposes_what_must_come_from_the_leader()
    {
        ProposalOutcome? outcome = null;
        _loops[_n2].ProposeAsLeader(CounterMachine.Add(1), o => outcome = o);
        _loops[_n2].Flush();

        Assert.Equal(ProposalStatus.NotLeader, outcome?.Status);
        Assert.Equal(_n1, outcome!.Leader);
        Assert.DoesNotContain(_network, m => m.Type == MessageType.Propose);
    }

    private void Start(NodeId id, ulong seed)
    {
        var options = new NodeOptions { Raft = new RaftOptions { Id = id, ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 1 } };
        _machines[id] = new CounterMachine();
        _loops[id] = new NodeLoop(options, _storages[id], _machines[id], new SplitMix64(seed), _network.Enqueue);
    }

    private StrongBox<ProposalOutcome?> Propose(NodeId at, long amount)
    {
        var box = new StrongBox<ProposalOutcome?>();
        _loops[at].Propose(CounterMachine.Add(amount), o => box.Value = o);
        _loops[at].Flush();
        return box;
    }

    /// <summary>Delivers queued messages (those <paramref name="keep"/> accepts; the rest are dropped) until none are left.</summary>
    private List<Message> DeliverAll(Func<Message, bool>? keep = null)
    {
        var delivered = new List<Message>();
        for (var round = 0; round < 1000 && _network.Count > 0; round++)
        {
            var message = _network.Dequeue();
            if (keep is not null && !keep(message))
            {
                continue;
            }

            delivered.Add(message);
            _loops[message.To].Receive(message);
            _loops[message.To].Flush();
        }

        Assert.Empty(_network);
        return delivered;
    }

    /// <summary>
    /// Ticks <paramref name="candidates"/> until one leads, delivering every message except those from or to
    /// <paramref name="cutOff"/>, and returns the leader.
    /// </summary>
    private NodeId Elect(NodeId[] candidates, NodeId? cutOff = null)
    {
        bool Reachable(Message m) => cutOff is not { } cut || (m.From != cut && m.To != cut);
        for (var tick = 0; tick < 500; tick++)
        {
            if (candidates.FirstOrDefault(id => _loops[id].Core.Role == RaftRole.Leader) is { IsNone: false } leader)
            {
                DeliverAll(Reachable);
                return leader;
            }

            foreach (var id in candidates)
            {
                _loops[id].Tick();
                _loops[id].Flush();
            }

            DeliverAll(Reachable);
        }

        throw new InvalidOperationException("no leader among the candidates after 500 ticks");
    }

    private sealed class StrongBox<T>
    {
        public T? Value { get; set; }
    }
}
