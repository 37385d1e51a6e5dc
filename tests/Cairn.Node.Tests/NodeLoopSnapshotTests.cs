using Cairn.Raft;

namespace Cairn.Node.Tests;

/// <summary>
/// Snapshots leave the loop: only the freeze happens on it, the serializing and staging run off it (here: held until the
/// test releases them), and the loop records the result later, one snapshot at a time.
/// </summary>
public sealed class NodeLoopSnapshotTests
{
    private const int SnapshotEvery = 10;

    private readonly MemoryStorage _storage = new();
    private readonly CounterMachine _machine = new();
    private readonly Queue<Func<Action>> _offLoop = new();
    private readonly NodeLoop _loop;

    public NodeLoopSnapshotTests()
    {
        var id = new NodeId(1);
        RaftNode.Bootstrap(_storage, [id]);
        var options = new NodeOptions
        {
            Raft = new RaftOptions { Id = id, ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 2 },
            SnapshotEveryEntries = SnapshotEvery,
        };
        _loop = new NodeLoop(options, _storage, _machine, new SplitMix64(7), _ => { }, _offLoop.Enqueue);
        for (var tick = 0; tick < 100 && _loop.Core.Role != RaftRole.Leader; tick++)
        {
            _loop.Tick();
            _loop.Flush();
        }

        Assert.Equal(RaftRole.Leader, _loop.Core.Role);
    }

    [Fact]
    public void The_loop_goes_on_applying_while_a_snapshot_is_written_and_records_the_state_it_froze()
    {
        AddOnesUntilASnapshotStarts();
        var frozenAt = _loop.Core.Applied;
        var frozenTotal = _machine.Total;
        Assert.Single(_offLoop);
        Assert.Equal(LogIndex.Zero, _storage.Snapshot.Metadata.Index);

        AddOnes(SnapshotEvery * 3);
        Assert.Single(_offLoop); // one at a time, however far the log has grown meanwhile
        Assert.Equal(LogIndex.Zero, _storage.Snapshot.Metadata.Index);

        var record = _offLoop.Dequeue()();
        Assert.Equal(LogIndex.Zero, _storage.Snapshot.Metadata.Index); // staged, not yet current
        record();
        Assert.Equal(frozenAt, _storage.Snapshot.Metadata.Index);
        var restored = new CounterMachine();
        restored.Restore(_storage.Snapshot.Data);
        Assert.Equal(frozenTotal, restored.Total);
        Assert.True(_machine.Total > frozenTotal);

        // The next one starts with the next batch of inputs, since the log is already past the threshold.
        AddOnes(1);
        Assert.Single(_offLoop);
    }

    [Fact]
    public void A_snapshot_that_a_newer_one_overtook_is_not_recorded()
    {
        AddOnesUntilASnapshotStarts();
        var work = _offLoop.Dequeue();
        AddOnes(5);
        _storage.SaveSnapshot(_loop.Core.Applied, _loop.Core.Membership, _machine.CaptureSnapshot()());
        var newer = _storage.Snapshot.Metadata.Index;

        work()();

        Assert.Equal(newer, _storage.Snapshot.Metadata.Index);
    }

    [Fact]
    public async Task A_host_whose_snapshot_cannot_be_written_stops_on_the_error()
    {
        var id = new NodeId(1);
        var storage = new StagingFailsStorage();
        RaftNode.Bootstrap(storage, [id]);
        var options = new NodeOptions
        {
            Raft = new RaftOptions { Id = id, ElectionTimeoutTicks = 3, HeartbeatIntervalTicks = 1 },
            TickInterval = TimeSpan.FromMilliseconds(5),
            SnapshotEveryEntries = 1,
        };
        var host = new NodeHost(
            options, storage, new CounterMachine(), _ => { }, System.Threading.Channels.Channel.CreateUnbounded<Message>().Reader, 1,
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<NodeHost>.Instance);
        await using (host)
        {
            host.Start();

            // Electing itself applies the leader's no-op: one entry, so the first snapshot is due at once.
            var error = await Assert.ThrowsAsync<IOException>(() => host.Completion.WaitAsync(InProcessCluster.Deadline));
            Assert.Equal(StagingFailsStorage.Message, error.Message);
        }
    }

    private void AddOnesUntilASnapshotStarts()
    {
        while (_offLoop.Count == 0)
        {
            Assert.True(_loop.Core.Applied.Value <= SnapshotEvery * 2, "no snapshot started");
            AddOnes(1);
        }
    }

    private void AddOnes(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _loop.Propose(CounterMachine.Add(1), outcome => Assert.Equal(ProposalStatus.Applied, outcome.Status));
            _loop.Flush();
        }
    }
}

/// <summary>Memory storage whose snapshot file can never be written.</summary>
internal sealed class StagingFailsStorage : IRaftStorage
{
    public const string Message = "disk full";

    private readonly MemoryStorage _inner = new();

    public HardState HardState => _inner.HardState;

    public Snapshot Snapshot => _inner.Snapshot;

    public LogIndex FirstIndex => _inner.FirstIndex;

    public LogIndex LastIndex => _inner.LastIndex;

    public bool TryGetTerm(LogIndex index, out Term term) => _inner.TryGetTerm(index, out term);

    public void ReadEntries(LogIndex from, LogIndex to, long maxBytes, List<Entry> into) => _inner.ReadEntries(from, to, maxBytes, into);

    public void Persist(HardState? hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot) => _inner.Persist(hardState, entries, snapshot);

    public void SaveSnapshot(LogIndex index, Membership membership, ReadOnlyMemory<byte> data) => _inner.SaveSnapshot(index, membership, data);

    public void StageSnapshot(SnapshotMetadata metadata, ReadOnlyMemory<byte> data) => throw new IOException(Message);
}
