using Cairn.Node;
using Cairn.Raft;
using Cairn.Simulation.Linearizability;
using Cairn.State;
using Cairn.State.Watch;

namespace Cairn.Simulation;

/// <summary>
/// One seeded run: real node runtimes (Raft core, ready handling, waiting requests) and Cairn's real state machine
/// (KV with transactions, leases, watches and client sessions) over a simulated clock, network and disk; leaders that
/// commit their promotion and the advancing committed time from their simulated clocks; a workload of concurrent
/// clients and watchers; faults injected during a safety phase, then a liveness phase with every fault healed.
/// Single-threaded and deterministic: the same options give the same run, event for event.
/// </summary>
public sealed partial class ClusterSimulation
{
    private const int TraceCapacity = 400;

    private readonly SimulationOptions _options;
    private readonly SplitMix64 _random;
    private readonly SimulatedNetwork _network;
    private readonly SafetyChecker _checker = new();
    private readonly StateMachineChecker _state;
    private readonly Dictionary<(ulong SessionId, ulong Sequence), PendingOperation> _requests = [];
    private readonly SortedDictionary<NodeId, SimulatedNode> _nodes = [];
    private readonly List<SimulatedClient> _clients = [];
    private readonly List<KvOperation> _history = [];
    private readonly SortedDictionary<NodeId, LogIndex> _removedAt = [];
    private readonly Queue<string> _trace = new();
    private readonly List<Entry> _committedScratch = [];
    private readonly List<string> _fullTrace = [];
    // Settings drawn per run, so the seeds cover calm and stormy clusters alike. Tiny appends split a new leader's
    // catch-up from its no-op, and leaders dying right after committing end terms early: together that is where
    // commit-rule mistakes (paper Figure 8) become visible.
    private readonly long _maxAppendBytes;
    private readonly int _maxInflightMessages;
    private readonly double _leaderCrashAfterCommitChance;
    private readonly double _faultChance;
    // The state machine's settings are the cluster's (the same on every node); a short watch history makes compaction,
    // and a short session timeout makes session expiry, part of some runs. The leaders compact the history to the
    // retention (0: never), as the server's AutoCompactionRetention does. The hub's buffer decides how often a slow
    // watcher lags.
    private readonly StateMachineOptions _stateOptions;
    private readonly ulong _compactionRetention;
    private readonly WatchHubOptions _hubOptions;
    private long _now;
    private int _faults;
    private bool _faultsActive = true;

    /// <summary>Prepares a run; nothing happens until <see cref="Run"/>.</summary>
    public ClusterSimulation(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = new SplitMix64(options.Seed);
        _network = new SimulatedNetwork(new SplitMix64(options.Seed ^ 0x6E6574776F726BUL));
        _maxAppendBytes = new long[] { 64, 512, 4096 }[_random.Next(3)];
        _maxInflightMessages = new[] { 1, 4, 16 }[_random.Next(3)];
        _leaderCrashAfterCommitChance = new[] { 0.01, 0.05, 0.3 }[_random.Next(3)];
        _faultChance = new[] { 0.01, 0.03, 0.08 }[_random.Next(3)];
        _stateOptions = new StateMachineOptions
        {
            MaxHistoryEvents = new[] { 40, 400, 100_000 }[_random.Next(3)],
            SessionTimeoutMs = new ulong[] { 3_000, 600_000 }[_random.Next(2)],
        };
        _compactionRetention = new ulong[] { 0, 30, 300 }[_random.Next(3)];
        _hubOptions = new WatchHubOptions { SubscriberBufferEvents = new[] { 4, 64, 1_024 }[_random.Next(3)] };
        _state = new StateMachineChecker(
            violation => _checker.Fail(_now, violation),
            MillisecondsPerTick,
            (session, sequence) => _requests.GetValueOrDefault((session, sequence)));
        var voters = Enumerable.Range(1, options.Nodes).Select(i => new NodeId((ulong)i)).ToArray();
        foreach (var id in voters)
        {
            var node = NewNode(id);
            RaftNode.Bootstrap(node.Disk, voters);
            StartNode(node);
        }

        for (var i = 0; i < options.Clients; i++)
        {
            _clients.Add(new SimulatedClient(i + 1));
        }

        _watchers.Add(new SimulatedWatcher(1, [], _random.Chance(0.5), new[] { 1, 1, 5, 20 }[_random.Next(4)]));
        _watchers.Add(new SimulatedWatcher(2, [(byte)(_random.Chance(0.5) ? 'l' : 'a')], _random.Chance(0.5), new[] { 1, 5 }[_random.Next(2)]));
    }

    /// <summary>Runs the safety phase, then the liveness phase, then checks the watchers and the client history.</summary>
    public SimulationResult Run()
    {
        for (var step = 0; step < _options.Steps; step++)
        {
            Step();
        }

        HealEverything();
        var livenessDeadline = _now + _options.LivenessTicks;
        while (_now < livenessDeadline && !IsSettled())
        {
            Step();
        }

        if (!IsSettled())
        {
            _checker.Fail(_now, $"liveness: {DescribeUnsettled()} {_options.LivenessTicks} ticks after every fault healed");
        }

        FinishWatchers();
        CheckLinearizability();
        var leases = _state.Leases;
        return new SimulationResult(
            _options.Seed, _now, _history.Count, _history.Count + PendingOperations().Count(), _checker.Elections,
            _checker.HighestLeaderTerm.Value, _faults, _checker.HighestCommitted.Value, [.. _checker.Violations],
            [.. _trace], [.. _fullTrace])
        {
            Promotions = _promotions,
            RetriesDeduplicated = _state.ExactlyOnce.Duplicates,
            LeasesGranted = leases.Granted,
            LeasesExpired = leases.Expired,
            ShortestLeaseLifeMarginMs = leases.ShortestLifeMarginMs,
            WatchEventsChecked = _watchers.Sum(w => w.Checked),
            WatchResumes = _watchers.Sum(w => w.Resumes),
        };
    }

    private SimulatedNode NewNode(NodeId id)
    {
        var raft = new RaftOptions
        {
            Id = id,
            ElectionTimeoutTicks = _options.ElectionTimeoutTicks,
            HeartbeatIntervalTicks = _options.HeartbeatIntervalTicks,
            MaxInflightMessages = _maxInflightMessages,
            MaxAppendBytes = _maxAppendBytes,
            AutoPromoteLearners = true,
        };
        var node = new SimulatedNode(id, new NodeOptions { Raft = raft, SnapshotEveryEntries = _options.SnapshotEveryEntries });
        _nodes.Add(id, node);
        return node;
    }

    /// <summary>Starts (or restarts) the node's runtime over its disk, wired to the checkers, the network and the trace.</summary>
    private void StartNode(SimulatedNode node)
    {
        var started = false;
        var machine = new SimulatedStateMachine(
            _stateOptions,
            new WatchHub(_hubOptions),
            (previous, entry) => OnApplying(node, previous, entry),
            (entry, result, state) => _state.OnApplied(_now, node, entry, result, state),
            (index, snapshot) => _state.OnSnapshot(node, index, snapshot),
            restored =>
            {
                if (started)
                {
                    Record($"{node.Id} installs snapshot at {restored.AppliedIndex}");
                }
            });
        var disk = new CheckedDisk(node.Disk, entries => _checker.OnPersisted(_now, node, entries));
        node.Start(_random.NextUInt64(), _random.NextUInt64() % 1_000_000_000, machine, disk, message => SendFrom(node, message));
        started = true;
        node.Loop!.LeadershipChanged += soft => OnLeadershipChanged(node, soft);
    }

    private void Step()
    {
        _now++;
        if (_faultsActive)
        {
            InjectFaults();
        }

        foreach (var message in _network.Deliver(_now).ToList())
        {
            Deliver(message);
        }

        foreach (var node in _nodes.Values)
        {
            if (node.IsUp && node.PausedUntil <= _now && !(node.SlowUntil > _now && _random.Chance(0.5)))
            {
                Guard(node, () => node.Core!.Tick());
            }
        }

        foreach (var node in _nodes.Values)
        {
            RunLeaderDuties(node);
        }

        foreach (var client in _clients)
        {
            StepClient(client);
        }

        foreach (var node in _nodes.Values)
        {
            HandleReadies(node);
        }

        foreach (var watcher in _watchers)
        {
            StepWatcher(watcher);
        }

        StopRemovedNodes();
    }

    /// <summary>
    /// A removed node is stopped once every other node is up and has applied its removal, as an operator would: until
    /// then the others may still need its vote (etcd likewise delays the stop of a removed member). This includes a node
    /// that never learned of its own removal (it was away), which would otherwise campaign in vain forever.
    /// </summary>
    private void StopRemovedNodes()
    {
        foreach (var (id, removedAt) in _removedAt)
        {
            var node = _nodes[id];
            var others = _nodes.Values.Where(n => n != node && !n.IsDecommissioned).ToList();
            if (node.IsUp && others.All(n => n.IsUp && n.Core!.Applied >= removedAt))
            {
                node.IsDecommissioned = true;
                Crash(node, "removed from the group, stopped");
            }
        }
    }

    private void Deliver(Message message)
    {
        if (!_nodes.TryGetValue(message.To, out var node) || !node.IsUp)
        {
            return;
        }

        if (node.PausedUntil > _now)
        {
            // Mail piles up for a frozen node and trickles in after it wakes, racing its clients' requests.
            _network.Hold(message, node.PausedUntil + 1 + _random.Next(4));
            return;
        }

        if (node.SlowUntil > _now && _random.Chance(0.5))
        {
            // A slow node gets to its mail late.
            _network.Send(message, _now);
            return;
        }

        Guard(node, () => node.Core!.Step(message));
    }

    private void HandleReadies(SimulatedNode node)
    {
        if (!node.IsUp)
        {
            return;
        }

        Guard(node, () => node.Loop!.Flush());
        if (!node.IsUp)
        {
            return;
        }

        var committedBefore = node.HighestCommit;
        _checker.OnCommitted(_now, node);
        if (_faultsActive && node.Core!.Role == RaftRole.Leader && node.HighestCommit > committedBefore
            && !CommittedOnlyDuties(node, committedBefore.Next, node.HighestCommit) && _random.Chance(_leaderCrashAfterCommitChance))
        {
            // Buggify: a leader dying right after its commit index moved is where commit-rule mistakes surface. Its own
            // periodic duties do not count: they move the commit index every sweep interval, and would kill leaders
            // far more often than the clients' commands did.
            Crash(node, "nemesis, the leader right after committing");
        }
    }

    private bool CommittedOnlyDuties(SimulatedNode node, LogIndex from, LogIndex to)
    {
        if (from <= node.Disk.Snapshot.Metadata.Index || to > node.Disk.LastIndex)
        {
            return false;
        }

        _committedScratch.Clear();
        node.Disk.ReadEntries(from, to.Next, long.MaxValue, _committedScratch);
        return _committedScratch.TrueForAll(e => e.Kind == EntryKind.Command && CommandEnvelope.TryRead(e.Data.Span) is { IsLeaderDuty: true });
    }

    /// <summary>
    /// The runtime's send function. It is called after the ready's persist, or before it for a leader's ready that
    /// allows it (<see cref="Ready.MaySendBeforePersist"/>; that order is the runtime's to keep), and it is where
    /// buggify kills a node mid-ready: before a new leader's first sends (its no-op then exists on its own disk only,
    /// the conflicting-suffix setup of paper Figure 8, or, sent first, nowhere), right after a granted vote leaves (a
    /// vote answered before it is durable then shows up as two leaders in a term), and now and then anywhere — for a
    /// leader that sends first, that is after some appends left and before its own entries were persisted.
    /// </summary>
    private void SendFrom(SimulatedNode node, Message message)
    {
        if (_faultsActive && _random.Chance(node.JustElected ? 0.05 : 0.0005))
        {
            throw new SimulatedCrashException("before sending");
        }

        node.JustElected = false;
        _network.Send(message, _now);
        if (_faultsActive && message.Type == MessageType.VoteResponse && !message.Reject && _random.Chance(0.05))
        {
            throw new SimulatedCrashException("right after granting a vote");
        }
    }

    private void OnApplying(SimulatedNode node, LogIndex previous, Entry entry)
    {
        _checker.OnApplied(_now, node, previous, entry);
        if (entry.Kind == EntryKind.MembershipChange && MembershipChange.Decode(entry.Data) is { Kind: MembershipChangeKind.RemoveNode } removal)
        {
            _removedAt.TryAdd(removal.Node, entry.Index);
        }
    }

    private void OnLeadershipChanged(SimulatedNode node, SoftState soft)
    {
        if (soft.Role == RaftRole.Leader)
        {
            var core = node.Core!;
            node.JustElected = true;
            Record($"{node.Id} leads {core.Term} (last {core.LastIndex}, commit {core.Commit})");
            _checker.OnLeader(_now, node);
        }
    }

    /// <summary>
    /// A broken invariant inside a core, or a state machine refusing what the runtime feeds it (an index applied twice,
    /// a snapshot it cannot restore), stops that node for good and is reported.
    /// </summary>
    private void Guard(SimulatedNode node, Action action)
    {
        try
        {
            action();
        }
        catch (SimulatedCrashException e)
        {
            Crash(node, $"mid-ready, {e.Message}");
        }
        catch (Exception e) when (e is RaftInvariantException or InvalidOperationException)
        {
            _checker.Fail(_now, $"{node.Id} stopped: {e.Message}");
            node.IsDecommissioned = true;
            node.Crash();
        }
    }

    private void Record(string text)
    {
        var line = $"t={_now,6} {text}";
        if (_trace.Count == TraceCapacity)
        {
            _trace.Dequeue();
        }

        _trace.Enqueue(line);
        if (_options.Trace)
        {
            _fullTrace.Add(line);
        }
    }

    private bool IsSettled()
    {
        var leader = CurrentLeader();
        if (leader is null || _clients.Any(c => c.Current is not null))
        {
            return false;
        }

        // Every live member has applied everything the leader has committed.
        return _nodes.Values.Where(n => n.IsUp && leader.Core!.Membership.Contains(n.Id)).All(n => n.Core!.Applied >= leader.Core!.Commit);
    }

    private string DescribeUnsettled()
    {
        var leader = CurrentLeader();
        var pending = _clients.Count(c => c.Current is not null);
        var nodes = string.Join("; ", _nodes.Values.Where(n => n.IsUp).Select(n =>
            $"{n.Id} {n.Core!.Role} {n.Core.Term} commit {n.Core.Commit} applied {n.Core.Applied} last {n.Core.LastIndex}"));
        var peers = leader is null ? "" : " peers: " + string.Join(", ", leader.Core!.PeerStatuses().Select(p => $"{p.Id} {p.State} match {p.Match} next {p.Next}"));
        return $"{(leader is null ? "no leader" : $"leader {leader.Id}")}, {pending} operations pending ({nodes};{peers})";
    }

    private SimulatedNode? CurrentLeader()
    {
        // The leader of the highest term, provided no member it knows of is in a later term.
        var up = _nodes.Values.Where(n => n.IsUp).ToList();
        var leader = up.Where(n => n.Core!.Role == RaftRole.Leader).MaxBy(n => n.Core!.Term);
        return leader is not null && up.Where(n => leader.Core!.Membership.Contains(n.Id)).All(n => n.Core!.Term <= leader.Core!.Term)
            ? leader
            : null;
    }

    private void CheckLinearizability()
    {
        var result = LinearizabilityChecker.Check([.. _history, .. PendingOperations()]);
        if (!result.IsLinearizable)
        {
            _checker.Fail(_now, $"linearizability: {result.Explanation}");
        }
    }
}
