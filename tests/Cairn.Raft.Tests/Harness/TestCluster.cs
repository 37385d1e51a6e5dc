namespace Cairn.Raft.Tests.Harness;

/// <summary>
/// A deterministic in-memory Raft group: every node has a <see cref="MemoryStorage"/> and a seeded
/// <see cref="SplitMix64"/>; messages wait in one queue until a test delivers them; nothing sleeps and nothing reads
/// a clock. Links can be cut, messages dropped by a predicate, and nodes crashed (losing what they had not persisted)
/// and restarted over the same storage.
/// </summary>
internal sealed class TestCluster
{
    private readonly SortedDictionary<NodeId, TestMember> _members = [];
    private readonly List<Message> _inFlight = [];
    private readonly HashSet<(NodeId From, NodeId To)> _cut = [];
    private readonly Func<RaftOptions, RaftOptions> _configure;
    private readonly ulong _seed;

    /// <summary>A group of nodes 1..n over the given storages (see <see cref="Logs"/>).</summary>
    public TestCluster(IReadOnlyList<MemoryStorage> storages, Func<RaftOptions, RaftOptions>? configure = null, ulong seed = 1)
    {
        _configure = configure ?? (o => o);
        _seed = seed;
        for (var i = 0; i < storages.Count; i++)
        {
            AddMember((ulong)i + 1, storages[i]);
        }

        Stabilize();
    }

    /// <summary>Every message the nodes sent, in order, whether or not it arrived.</summary>
    public List<Message> Sent { get; } = [];

    /// <summary>Every message stepped into a node, in order.</summary>
    public List<Message> Delivered { get; } = [];

    /// <summary>Messages matching this predicate are lost instead of delivered.</summary>
    public Func<Message, bool>? DropIf { get; set; }

    public IReadOnlyList<Message> InFlight => _inFlight;

    public IEnumerable<TestMember> Members => _members.Values;

    public TestMember this[ulong id] => _members[new NodeId(id)];

    /// <summary>The live leader with the highest term, if any.</summary>
    public TestMember? Leader => Members.Where(m => !m.IsDown && m.Node.Role == RaftRole.Leader).MaxBy(m => m.Node.Term);

    /// <summary>A freshly bootstrapped group of <paramref name="voters"/> nodes.</summary>
    public static TestCluster Create(int voters, Func<RaftOptions, RaftOptions>? configure = null, ulong seed = 1) =>
        new([.. Enumerable.Range(0, voters).Select(_ => Logs.Bootstrapped(voters))], configure, seed);

    public RaftNode Node(ulong id) => this[id].Node;

    /// <summary>Adds a member over <paramref name="storage"/> (empty storage: a node joining an existing group).</summary>
    public TestMember AddMember(ulong id, MemoryStorage? storage = null)
    {
        var nodeId = new NodeId(id);
        var member = new TestMember(_configure(new RaftOptions { Id = nodeId }), storage ?? new MemoryStorage(), (_seed * 1_000_003) + id);
        _members.Add(nodeId, member);
        return member;
    }

    /// <summary>Ticks a live node without handling its readies.</summary>
    public void Tick(ulong id, int ticks = 1)
    {
        for (var i = 0; i < ticks; i++)
        {
            if (!this[id].IsDown)
            {
                this[id].Node.Tick();
            }
        }
    }

    /// <summary>Ticks a node and lets the cluster quiesce after each tick.</summary>
    public void TickAndStabilize(ulong id, int ticks = 1)
    {
        for (var i = 0; i < ticks; i++)
        {
            Tick(id);
            Stabilize();
        }
    }

    /// <summary>Ticks every live node once per round and lets the cluster quiesce after each round.</summary>
    public void TickAllAndStabilize(int ticks = 1)
    {
        for (var i = 0; i < ticks; i++)
        {
            foreach (var member in Members.Where(m => !m.IsDown))
            {
                member.Node.Tick();
            }

            Stabilize();
        }
    }

    /// <summary>Ticks only <paramref name="id"/> until it starts a (pre-)campaign, then lets the cluster quiesce.</summary>
    public void Campaign(ulong id)
    {
        var ticks = 0;
        while (this[id].Node.Role == RaftRole.Follower)
        {
            Assert.True(++ticks <= 2 * this[id].Options.ElectionTimeoutTicks, $"n{id} did not campaign");
            this[id].Node.Tick();
        }

        Stabilize();
    }

    /// <summary>Makes <paramref name="id"/> campaign and asserts that it won.</summary>
    public RaftNode Elect(ulong id)
    {
        Campaign(id);
        Assert.Equal(RaftRole.Leader, this[id].Node.Role);
        return this[id].Node;
    }

    /// <summary>Ticks every live node, quiescing after each round, until <paramref name="done"/> holds.</summary>
    public void TickAllUntil(Func<bool> done, int maxTicks = 1000)
    {
        for (var i = 0; !done(); i++)
        {
            Assert.True(i < maxTicks, $"condition not reached within {maxTicks} ticks");
            TickAllAndStabilize();
        }
    }

    /// <summary>Ticks one node, quiescing after each tick, until <paramref name="done"/> holds.</summary>
    public void TickUntil(ulong id, Func<bool> done, int maxTicks = 1000)
    {
        for (var i = 0; !done(); i++)
        {
            Assert.True(i < maxTicks, $"condition not reached within {maxTicks} ticks of n{id}");
            TickAndStabilize(id);
        }
    }

    /// <summary>Proposes a command on <paramref name="id"/> and asserts that it was accepted.</summary>
    public LogIndex Propose(ulong id, string command)
    {
        Assert.Equal(ProposeResult.Accepted, this[id].Node.Propose(Logs.Command(command), out var index));
        return index;
    }

    /// <summary>Handles the readies of one node, queueing its messages without delivering them.</summary>
    public void HandleReadies(ulong id) => this[id].HandleReadies(Send);

    /// <summary>
    /// Delivers the messages in flight now (those matching <paramref name="which"/>, or all), in send order, without
    /// handling the readies they cause. Returns how many arrived.
    /// </summary>
    public int Deliver(Func<Message, bool>? which = null)
    {
        var batch = _inFlight.Where(m => which is null || which(m)).ToList();
        _inFlight.RemoveAll(m => batch.Contains(m));
        return batch.Count(Deliver);
    }

    /// <summary>Handles readies and delivers messages until no node has anything left to do.</summary>
    public void Stabilize()
    {
        for (var round = 0; ; round++)
        {
            Assert.True(round < 10_000, "the cluster did not quiesce");
            foreach (var member in Members)
            {
                member.HandleReadies(Send);
            }

            if (_inFlight.Count == 0)
            {
                return;
            }

            Deliver();
        }
    }

    /// <summary>Cuts the link from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    public void Cut(ulong from, ulong to) => _cut.Add((new NodeId(from), new NodeId(to)));

    /// <summary>Cuts every link to and from <paramref name="id"/>.</summary>
    public void Isolate(ulong id)
    {
        foreach (var other in _members.Keys.Where(k => k.Value != id))
        {
            Cut(id, other.Value);
            Cut(other.Value, id);
        }
    }

    /// <summary>Restores every link (dropped messages stay lost).</summary>
    public void Heal() => _cut.Clear();

    /// <summary>Crashes a node: its unpersisted state and the messages in flight to it are lost.</summary>
    public void Crash(ulong id)
    {
        this[id].Crash();
        _inFlight.RemoveAll(m => m.To.Value == id);
    }

    /// <summary>Starts a new incarnation of a crashed node over its storage.</summary>
    public void Restart(ulong id) => this[id].Restart();

    /// <summary>The messages sent of <paramref name="type"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public IReadOnlyList<Message> SentOf(MessageType type, ulong from, ulong to) =>
        [.. Sent.Where(m => m.Type == type && m.From.Value == from && m.To.Value == to)];

    private void Send(Message message)
    {
        Sent.Add(message);
        _inFlight.Add(message);
    }

    private bool Deliver(Message message)
    {
        if (!_members.TryGetValue(message.To, out var to) || to.IsDown || _cut.Contains((message.From, message.To)) ||
            DropIf?.Invoke(message) == true)
        {
            return false;
        }

        Delivered.Add(message);
        to.Node.Step(message);
        return true;
    }
}
