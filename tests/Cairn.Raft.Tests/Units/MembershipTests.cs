using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Units;

/// <summary>Membership: voters and learners, quorum size, and which single-server changes apply.</summary>
public sealed class MembershipTests
{
    [Theory]
    [InlineData("1,2,3", "", MembershipChangeKind.AddVoter, 4, "1,2,3,4", "")]
    [InlineData("1,2,3", "", MembershipChangeKind.AddVoter, 2, null, null)]
    [InlineData("1,2,3", "4", MembershipChangeKind.AddVoter, 4, null, null)]
    [InlineData("1,2,3", "", MembershipChangeKind.AddLearner, 4, "1,2,3", "4")]
    [InlineData("1,2,3", "", MembershipChangeKind.AddLearner, 3, null, null)]
    [InlineData("1,2,3", "4", MembershipChangeKind.PromoteLearner, 4, "1,2,3,4", "")]
    [InlineData("1,2,3", "", MembershipChangeKind.PromoteLearner, 2, null, null)]
    [InlineData("1,2,3", "", MembershipChangeKind.PromoteLearner, 9, null, null)]
    [InlineData("1,2,3", "", MembershipChangeKind.RemoveNode, 2, "1,3", "")]
    [InlineData("1,2,3", "4", MembershipChangeKind.RemoveNode, 4, "1,2,3", "")]
    [InlineData("1,2,3", "", MembershipChangeKind.RemoveNode, 9, null, null)]
    [InlineData("1", "2", MembershipChangeKind.RemoveNode, 1, null, null)]
    [InlineData("1", "2", MembershipChangeKind.RemoveNode, 2, "1", "")]
    [InlineData("1,2,3", "", (MembershipChangeKind)0, 4, null, null)]
    public void TryApply_gives_the_next_membership_or_null_with_a_reason(
        string voters, string learners, MembershipChangeKind kind, ulong node, string? nextVoters, string? nextLearners)
    {
        var membership = new Membership(Parse(voters), Parse(learners));

        var next = membership.TryApply(new MembershipChange(kind, N.Id(node), ReadOnlyMemory<byte>.Empty), out var reason);

        if (nextVoters is null)
        {
            Assert.Null(next);
            Assert.False(string.IsNullOrEmpty(reason));
        }
        else
        {
            Assert.Equal(new Membership(Parse(nextVoters), Parse(nextLearners!)), next);
            Assert.Null(reason);
        }
    }

    [Fact]
    public void Removing_the_last_voter_is_refused_with_its_own_reason()
    {
        var membership = new Membership([N.Id(1)], []);

        Assert.Null(membership.TryApply(new MembershipChange(MembershipChangeKind.RemoveNode, N.Id(1), ReadOnlyMemory<byte>.Empty), out var reason));
        Assert.Equal("cannot remove the last voter", reason);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    [InlineData(7, 4)]
    public void The_quorum_is_a_majority_of_the_voters(int voters, int quorum)
    {
        Assert.Equal(quorum, new Membership(Logs.Ids(voters), [N.Id(100)]).QuorumSize);
    }

    [Fact]
    public void Ids_are_kept_sorted_and_learners_come_after_voters()
    {
        var membership = new Membership([N.Id(3), N.Id(1), N.Id(2)], [N.Id(9), N.Id(5)]);

        Assert.Equal([N.Id(1), N.Id(2), N.Id(3)], membership.Voters);
        Assert.Equal([N.Id(1), N.Id(2), N.Id(3), N.Id(5), N.Id(9)], membership.All);
        Assert.True(membership.IsLearner(N.Id(5)) && !membership.IsVoter(N.Id(5)) && membership.Contains(N.Id(5)));
    }

    [Theory]
    [InlineData("1,1", "")]
    [InlineData("1,2", "2")]
    [InlineData("0,1", "")]
    public void Repeated_or_absent_ids_are_refused(string voters, string learners)
    {
        Assert.Throws<ArgumentException>(() => new Membership(Parse(voters), Parse(learners)));
    }

    [Fact]
    public void Equality_is_by_members()
    {
        var a = new Membership([N.Id(2), N.Id(1)], [N.Id(3)]);
        var b = new Membership([N.Id(1), N.Id(2)], [N.Id(3)]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new Membership([N.Id(1), N.Id(2), N.Id(3)], []));
    }

    private static NodeId[] Parse(string ids) =>
        ids.Length == 0 ? [] : [.. ids.Split(',').Select(s => N.Id(ulong.Parse(s, System.Globalization.CultureInfo.InvariantCulture)))];
}
