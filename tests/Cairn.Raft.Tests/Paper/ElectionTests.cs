using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>
/// Raft §5.2, leader election: randomized election timeouts in [ET, 2·ET), a candidate votes for itself and asks
/// every voter, each node grants at most one vote per term, a majority wins, and a split vote is resolved by a new
/// election in a later term.
/// </summary>
public sealed class ElectionTests
{
    private const int ElectionTimeoutTicks = 10;

    [Fact]
    public void The_election_timeout_is_drawn_from_one_to_two_election_timeouts()
    {
        var observed = new HashSet<int>();
        for (ulong seed = 1; seed <= 64; seed++)
        {
            var cluster = TestCluster.Create(3, o => o with { PreVote = false, ElectionTimeoutTicks = ElectionTimeoutTicks }, seed);
            var ticks = 0;
            while (cluster.Node(1).Role == RaftRole.Follower)
            {
                cluster.Tick(1);
                ticks++;
            }

            Assert.InRange(ticks, ElectionTimeoutTicks, (2 * ElectionTimeoutTicks) - 1);
            observed.Add(ticks);
        }

        Assert.True(observed.Count >= 5, $"timeouts are not randomized: {string.Join(",", observed)}");
    }

    [Fact]
    public void A_candidate_whose_election_times_out_starts_another_in_the_next_term_after_a_new_random_timeout()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        cluster.Isolate(1);
        cluster.Campaign(1);
        var candidate = cluster.Node(1);
        Assert.Equal(N.T(2), candidate.Term);

        var ticks = 0;
        while (candidate.Term == N.T(2))
        {
            cluster.Tick(1);
            ticks++;
        }

        Assert.Equal(N.T(3), candidate.Term);
        Assert.Equal(RaftRole.Candidate, candidate.Role);
        Assert.InRange(ticks, ElectionTimeoutTicks, (2 * ElectionTimeoutTicks) - 1);
    }

    [Fact]
    public void A_candidate_increments_its_term_votes_for_itself_and_asks_every_other_voter()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        var node = cluster.Node(1);
        while (node.Role == RaftRole.Follower)
        {
            cluster.Tick(1);
        }

        cluster.HandleReadies(1);

        Assert.Equal(N.T(2), node.Term);
        Assert.Equal(N.Id(1), node.Vote);
        Assert.Equal(new HardState(N.T(2), N.Id(1), N.I(3)), cluster[1].Storage.HardState);
        var requests = cluster.InFlight.Where(m => m.Type == MessageType.Vote).ToList();
        Assert.Equal([N.Id(2), N.Id(3)], requests.Select(m => m.To));
        Assert.All(requests, m => Assert.Equal((N.T(2), N.I(3), N.T(1)), (m.Term, m.Index, m.LogTerm)));
    }

    [Fact]
    public void A_node_grants_at_most_one_vote_per_term()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        var voter = cluster.Node(1);

        voter.Step(VoteRequest(from: 2, term: 2));
        voter.Step(VoteRequest(from: 3, term: 2));
        voter.Step(VoteRequest(from: 2, term: 2));
        cluster.HandleReadies(1);

        var answers = cluster.InFlight.Select(m => (m.To.Value, m.Type, m.Reject)).ToList();
        Assert.Equal([(2UL, MessageType.VoteResponse, false), (3UL, MessageType.VoteResponse, true), (2UL, MessageType.VoteResponse, false)], answers);
        Assert.Equal(N.Id(2), cluster[1].Storage.HardState.Vote);
    }

    [Fact]
    public void A_vote_in_a_new_term_is_free_again()
    {
        var cluster = TestCluster.Create(3, o => o with { PreVote = false });
        var voter = cluster.Node(1);

        voter.Step(VoteRequest(from: 2, term: 2));
        voter.Step(VoteRequest(from: 3, term: 3));
        cluster.HandleReadies(1);

        Assert.All(cluster.InFlight, m => Assert.False(m.Reject));
        Assert.Equal(new HardState(N.T(3), N.Id(3), N.I(3)), cluster[1].Storage.HardState);
    }

    [Fact]
    public void A_candidate_with_votes_from_a_majority_becomes_leader_and_the_others_follow_it()
    {
        var cluster = TestCluster.Create(5);
        cluster.Isolate(4);
        cluster.Isolate(5);

        var leader = cluster.Elect(1);

        Assert.Equal(N.T(2), leader.Term);
        Assert.All(new ulong[] { 2, 3 }, id => Assert.Equal((N.Id(1), N.T(2)), (cluster.Node(id).Leader, cluster.Node(id).Term)));
    }

    [Fact]
    public void A_candidate_without_a_majority_does_not_become_leader()
    {
        var cluster = TestCluster.Create(5, o => o with { PreVote = false });
        cluster.Isolate(3);
        cluster.Isolate(4);
        cluster.Isolate(5);

        cluster.Campaign(1);

        Assert.Equal(RaftRole.Candidate, cluster.Node(1).Role);
        Assert.Null(cluster.Leader);
    }

    [Fact]
    public void A_split_vote_elects_nobody_and_a_later_election_in_a_higher_term_does()
    {
        var cluster = TestCluster.Create(4, o => o with { PreVote = false, CheckQuorum = false });
        foreach (var id in new ulong[] { 1, 2 })
        {
            while (cluster.Node(id).Role != RaftRole.Candidate)
            {
                cluster.Tick(id);
            }

            cluster.HandleReadies(id);
        }

        // n3 hears from n1 first and n4 from n2 first: two votes each out of four, where three are needed.
        cluster.Deliver(m => m.Type == MessageType.Vote && ((m.From, m.To) == (N.Id(1), N.Id(3)) || (m.From, m.To) == (N.Id(2), N.Id(4))));
        cluster.Stabilize();

        Assert.Null(cluster.Leader);
        Assert.Equal((RaftRole.Candidate, N.T(2)), (cluster.Node(1).Role, cluster.Node(1).Term));
        Assert.Equal((RaftRole.Candidate, N.T(2)), (cluster.Node(2).Role, cluster.Node(2).Term));

        cluster.TickAllUntil(() => cluster.Leader is not null, maxTicks: 200);

        Assert.True(cluster.Leader!.Node.Term >= N.T(3));
    }

    private static Message VoteRequest(ulong from, ulong term) => new()
    {
        Type = MessageType.Vote,
        From = N.Id(from),
        To = N.Id(1),
        Term = N.T(term),
        Index = N.I(3),
        LogTerm = N.T(1),
    };
}
