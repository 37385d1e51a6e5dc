using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft §7, log compaction: the host snapshots its applied state and the log up to it is discarded; a follower
/// whose next entry was compacted away receives InstallSnapshot, restores the state and membership from it and
/// continues from there; a snapshot that is not newer than what the follower committed is not restored.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Compaction_discards_the_log_up_to_the_snapshot_index()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose(1, $"c{i}");
        }

        cluster.Stabilize();
        var applied = cluster.Node(1).Applied;

        cluster[1].Compact();

        var storage = cluster[1].Storage;
        Assert.Equal(applied, storage.Snapshot.Metadata.Index);
        Assert.Equal(applied.Next, storage.FirstIndex);
        Assert.Equal(applied.Next, cluster.Node(1).FirstIndex);
        Assert.True(storage.TryGetTerm(applied, out _));
        Assert.False(storage.TryGetTerm(applied.Previous, out _));
        Assert.Equal(cluster.Node(1).Membership, storage.Snapshot.Metadata.Membership);
    }

    [Fact]
    public void A_follower_behind_the_compacted_log_receives_the_snapshot_and_catches_up()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Crash(3);
        for (var i = 0; i < 10; i++)
        {
            cluster.Propose(1, $"c{i}");
        }

        cluster.Stabilize();
        cluster[1].Compact();
        cluster[2].Compact();

        cluster.Restart(3);
        cluster.TickUntil(1, () => cluster[3].Commands.Count == 10, maxTicks: 30);

        var install = Assert.Single(cluster.SentOf(MessageType.InstallSnapshot, 1, 3));
        Assert.Equal(cluster[1].Storage.Snapshot.Metadata.Index, install.Snapshot!.Metadata.Index);
        Assert.Equal(cluster[1].Commands, cluster[3].Commands);
        Assert.Equal(install.Snapshot.Metadata.Index, cluster[3].Storage.Snapshot.Metadata.Index);
        Assert.Equal(cluster.Node(1).Membership, cluster.Node(3).Membership);

        cluster.Propose(1, "after");
        cluster.Stabilize();
        Assert.Equal("after", cluster[3].Commands[^1]);
    }

    [Fact]
    public void A_restarted_node_restores_its_snapshot_and_replays_only_the_later_entries()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster.Stabilize();
        cluster[2].Compact();
        var snapshotIndex = cluster[2].Storage.Snapshot.Metadata.Index;
        cluster.Propose(1, "b");
        cluster.Stabilize();

        cluster.Crash(2);
        cluster.Restart(2);
        cluster.Stabilize();

        Assert.Equal(["a", "b"], cluster[2].Commands);
        Assert.Equal(snapshotIndex.Next, cluster[2].AppliedEntries[0].Index);
        Assert.Equal(cluster.Node(1).Membership, cluster.Node(2).Membership);
    }

    [Fact]
    public void A_snapshot_that_is_not_newer_than_the_commit_index_is_acknowledged_without_restoring()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster.Stabilize();
        cluster[1].Compact();
        var follower = cluster.Node(2);

        follower.Step(new Message
        {
            Type = MessageType.InstallSnapshot,
            From = N.Id(1),
            To = N.Id(2),
            Term = leader.Term,
            Snapshot = cluster[1].Storage.Snapshot,
        });
        cluster.HandleReadies(2);

        Assert.Null(cluster[2].Readies[^1].Snapshot);
        Assert.Equal(N.I(1), cluster[2].Storage.FirstIndex);
        var answer = Assert.Single(cluster.InFlight);
        Assert.Equal((MessageType.AppendResponse, follower.Commit, false), (answer.Type, answer.Index, answer.Reject));
    }
}
