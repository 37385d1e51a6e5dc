using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Flow control of replication (after etcd-raft): at most <see cref="RaftOptions.MaxInflightMessages"/> appends to a
/// follower unacknowledged at once; at most <see cref="RaftOptions.MaxAppendBytes"/> of entries in one append (one
/// entry always goes); proposals made between two readies travel in one append per follower.
/// </summary>
public sealed class FlowControlTests
{
    [Fact]
    public void No_more_than_MaxInflightMessages_appends_are_unacknowledged_at_once()
    {
        var cluster = TestCluster.Create(3, o => o with { MaxInflightMessages = 2 });
        cluster.Elect(1);

        foreach (var command in new[] { "a", "b", "c", "d" })
        {
            cluster.Propose(1, command);
            cluster.HandleReadies(1);
        }

        var appends = cluster.InFlight.Where(m => m.Type == MessageType.Append && m.To == N.Id(2)).ToList();
        Assert.Equal(2, appends.Count);
        Assert.Equal([1, 1], appends.Select(m => m.Entries.Count));

        cluster.Stabilize();
        Assert.Equal(["a", "b", "c", "d"], cluster[2].Commands);
    }

    [Fact]
    public void One_append_carries_at_most_MaxAppendBytes_of_entries()
    {
        const int PayloadBytes = 4;
        const long MaxAppendBytes = 3 * (PayloadBytes + Entry.OverheadBytes);
        var cluster = TestCluster.Create(3, o => o with { MaxAppendBytes = MaxAppendBytes });
        cluster.Elect(1);

        for (var i = 0; i < 10; i++)
        {
            cluster.Propose(1, $"c{i:D3}");
        }

        cluster.HandleReadies(1);

        var appends = cluster.InFlight.Where(m => m.Type == MessageType.Append && m.To == N.Id(2)).ToList();
        Assert.Equal([3, 3, 3, 1], appends.Select(m => m.Entries.Count));
        Assert.All(appends, m => Assert.True(m.Entries.Sum(e => e.SizeBytes) <= MaxAppendBytes));
        Assert.Equal(
            Enumerable.Range(5, 10).Select(i => (ulong)i),
            appends.SelectMany(m => m.Entries).Select(e => e.Index.Value));
    }

    [Fact]
    public void An_entry_larger_than_MaxAppendBytes_still_travels_alone()
    {
        var cluster = TestCluster.Create(3, o => o with { MaxAppendBytes = 10 });
        cluster.Elect(1);

        cluster.Propose(1, new string('x', 100));
        cluster.Propose(1, "y");
        cluster.HandleReadies(1);

        var appends = cluster.InFlight.Where(m => m.Type == MessageType.Append && m.To == N.Id(2)).ToList();
        Assert.Equal([1, 1], appends.Select(m => m.Entries.Count));
        cluster.Stabilize();
        Assert.Equal(2, cluster[3].Commands.Count);
    }

    [Fact]
    public void Proposals_made_between_two_readies_travel_in_one_append_per_follower_and_one_persist()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var persists = cluster[1].Storage.PersistCount;

        for (var i = 0; i < 5; i++)
        {
            cluster.Propose(1, $"c{i}");
        }

        cluster.HandleReadies(1);

        Assert.Equal(persists + 1, cluster[1].Storage.PersistCount);
        var appends = cluster.InFlight.Where(m => m.Type == MessageType.Append).ToList();
        Assert.Equal([N.Id(2), N.Id(3)], appends.Select(m => m.To));
        Assert.All(appends, m => Assert.Equal(5, m.Entries.Count));
    }

    [Fact]
    public void A_follower_in_probe_state_has_at_most_one_unanswered_append()
    {
        var cluster = TestCluster.Create(3);
        cluster.Crash(3);
        cluster.Elect(1);
        cluster.Restart(3);

        // The leader's first probe to n3 was lost in the crash; until n3 answers something, nothing more is sent to it.
        cluster.Propose(1, "a");
        cluster.HandleReadies(1);
        cluster.Propose(1, "b");
        cluster.HandleReadies(1);

        Assert.Single(cluster.SentOf(MessageType.Append, 1, 3));
        Assert.Equal(2, cluster.InFlight.Count(m => m.Type == MessageType.Append && m.To == N.Id(2)));

        // A heartbeat answer shows n3 is alive: the probe is retried and n3 catches up.
        cluster.Stabilize();
        cluster.TickAndStabilize(1);
        Assert.Equal(["a", "b"], cluster[3].Commands);
    }
}
