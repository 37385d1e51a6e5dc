using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft thesis §6.4, read-index reads: the leader records its commit index, confirms it still leads with one
/// heartbeat round acknowledged by a quorum, and only then releases the read; a new leader first waits until it has
/// committed an entry of its own term; reads pending when leadership is lost are dropped; a single voter needs no
/// round; a follower asks the leader, which answers after its own round.
/// </summary>
public sealed class ReadIndexTests
{
    [Fact]
    public void A_read_is_released_only_after_a_quorum_has_acknowledged_a_heartbeat_round()
    {
        var cluster = TestCluster.Create(5);
        var leader = cluster.Elect(1);
        var commit = leader.Commit;
        cluster.DropIf = m => m.Type == MessageType.HeartbeatResponse && m.From.Value >= 3;

        Assert.Equal(ProposeResult.Accepted, leader.ReadIndex(7));
        cluster.Stabilize();
        Assert.Empty(cluster[1].ReadStates);
        Assert.Contains(cluster.Delivered, m => m.Type == MessageType.HeartbeatResponse && m.From == N.Id(2));

        cluster.DropIf = m => m.Type == MessageType.HeartbeatResponse && m.From.Value >= 4;
        cluster.TickAndStabilize(1);

        Assert.Equal([new ReadState(7, commit)], cluster[1].ReadStates);
    }

    [Fact]
    public void Reads_that_arrive_together_share_one_heartbeat_round()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        var heartbeatsBefore = cluster.Sent.Count(m => m.Type == MessageType.Heartbeat);

        leader.ReadIndex(1);
        leader.ReadIndex(2);
        cluster.Stabilize();

        Assert.Equal([1UL, 2UL], cluster[1].ReadStates.Select(r => r.RequestId));
        Assert.Equal(2, cluster.Sent.Count(m => m.Type == MessageType.Heartbeat) - heartbeatsBefore);
    }

    [Fact]
    public void A_new_leader_holds_reads_until_it_has_committed_an_entry_in_its_term()
    {
        var cluster = TestCluster.Create(3);
        cluster.DropIf = m => m.Type == MessageType.AppendResponse;
        var leader = cluster.Elect(1);
        var noop = leader.LastIndex;

        Assert.Equal(ProposeResult.Accepted, leader.ReadIndex(9));
        cluster.TickAndStabilize(1, 3);
        Assert.Empty(cluster[1].ReadStates);
        Assert.True(leader.Commit < noop);

        cluster.DropIf = null;
        cluster.TickAndStabilize(1);

        Assert.Equal([new ReadState(9, noop)], cluster[1].ReadStates);
    }

    [Fact]
    public void Reads_pending_when_the_leader_steps_down_are_dropped()
    {
        var cluster = TestCluster.Create(3);
        var leader = cluster.Elect(1);
        cluster.Isolate(1);
        leader.ReadIndex(5);
        cluster.TickAndStabilize(1, 20);
        Assert.Equal(RaftRole.Follower, leader.Role);

        cluster.Heal();
        cluster.TickAllUntil(() => cluster.Leader is not null, maxTicks: 200);
        cluster.TickAllAndStabilize(5);

        Assert.Empty(cluster[1].ReadStates);
    }

    [Fact]
    public void A_single_voter_serves_a_read_at_once_without_messages()
    {
        var cluster = TestCluster.Create(1);
        var leader = cluster.Elect(1);
        var sent = cluster.Sent.Count;

        Assert.Equal(ProposeResult.Accepted, leader.ReadIndex(3));
        cluster.HandleReadies(1);

        Assert.Equal([new ReadState(3, leader.Commit)], cluster[1].ReadStates);
        Assert.Equal(sent, cluster.Sent.Count);
    }

    [Fact]
    public void A_follower_gets_its_read_index_from_the_leader_after_the_leaders_quorum_round()
    {
        var cluster = TestCluster.Create(5);
        var leader = cluster.Elect(1);
        cluster.Propose(1, "x");
        cluster.Stabilize();
        var commit = leader.Commit;
        cluster.DropIf = m => m.Type == MessageType.HeartbeatResponse && m.From.Value >= 3;

        Assert.Equal(ProposeResult.Accepted, cluster.Node(4).ReadIndex(11));
        cluster.Stabilize();

        // The leader got the request but heard back from only one other voter: no answer yet.
        Assert.Contains(cluster.Delivered, m => m.Type == MessageType.ReadIndex && m.From == N.Id(4) && m.To == N.Id(1));
        Assert.DoesNotContain(cluster.Sent, m => m.Type == MessageType.ReadIndexResponse);
        Assert.Empty(cluster[4].ReadStates);
        Assert.Empty(cluster[1].ReadStates);

        cluster.DropIf = m => m.Type == MessageType.HeartbeatResponse && m.From.Value >= 4;
        cluster.TickAndStabilize(1);

        Assert.Equal([new ReadState(11, commit)], cluster[4].ReadStates);
        Assert.Empty(cluster[1].ReadStates);
    }

    [Fact]
    public void A_follower_that_knows_no_leader_refuses_a_read_with_NotLeader()
    {
        var cluster = TestCluster.Create(3);

        Assert.Equal(ProposeResult.NotLeader, cluster.Node(2).ReadIndex(1));
    }

    [Fact]
    public void A_read_index_request_reaching_a_node_that_no_longer_leads_is_not_answered()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.DropIf = m => m.Type == MessageType.ReadIndex;
        Assert.Equal(ProposeResult.Accepted, cluster.Node(2).ReadIndex(5));
        cluster.Stabilize();
        var request = cluster.SentOf(MessageType.ReadIndex, 2, 1).Single();

        cluster.DropIf = null;
        cluster.Isolate(1);
        cluster.TickAllUntil(() => cluster.Node(1).Role != RaftRole.Leader && cluster.Leader is { } l && l.Id != N.Id(1));
        cluster.Heal();
        cluster.Node(1).Step(request with { Term = cluster.Node(1).Term });
        cluster.HandleReadies(1);

        Assert.DoesNotContain(cluster.Sent, m => m.Type == MessageType.ReadIndexResponse);
        Assert.Empty(cluster[2].ReadStates);
    }
}
