using Cairn.State.Cluster;

namespace Cairn.State.Tests;

public sealed class ClusterModuleTests
{
    [Fact]
    public void Publishing_records_addresses_and_an_empty_address_keeps_the_recorded_one()
    {
        var h = new Harness();
        h.Ok<EmptyResponse>(new MemberPublishCommand(7, "n7", "http://127.0.0.1:7207", ""));
        h.Ok<EmptyResponse>(new MemberPublishCommand(7, "n7", "", "http://127.0.0.1:7107"));

        var member = Assert.Single(h.Machine.Cluster.Members);
        Assert.Equal(new MemberRecord(7, "n7", "http://127.0.0.1:7207", "http://127.0.0.1:7107"), member);
    }

    [Fact]
    public void Forgetting_removes_the_member_and_forgetting_an_unknown_one_is_harmless()
    {
        var h = new Harness();
        h.Ok<EmptyResponse>(new MemberPublishCommand(1, "n1", "http://a", "http://b"));
        h.Ok<EmptyResponse>(new MemberForgetCommand(1));
        h.Ok<EmptyResponse>(new MemberForgetCommand(99));
        Assert.Empty(h.Machine.Cluster.Members);
    }

    [Fact]
    public void Bad_publications_are_refused_naming_the_field_and_change_nothing()
    {
        var h = new Harness();
        h.Ok<EmptyResponse>(new MemberPublishCommand(1, "n1", "http://a", ""));
        Assert.StartsWith("id:", h.Error(new MemberPublishCommand(0, "n0", "", ""), StateStatus.InvalidArgument).Message, StringComparison.Ordinal);
        Assert.StartsWith("name:", h.Error(new MemberPublishCommand(2, "", "", ""), StateStatus.InvalidArgument).Message, StringComparison.Ordinal);
        Assert.StartsWith("name:", h.Error(new MemberPublishCommand(2, new string('n', 65), "", ""), StateStatus.InvalidArgument).Message, StringComparison.Ordinal);
        Assert.StartsWith("name:", h.Error(new MemberPublishCommand(2, "n1", "", ""), StateStatus.InvalidArgument).Message, StringComparison.Ordinal);
        Assert.StartsWith("url:", h.Error(new MemberPublishCommand(2, "n2", new string('u', 513), ""), StateStatus.TooLarge).Message, StringComparison.Ordinal);
        for (ulong id = 2; id <= ClusterModule.MaxMembers; id++)
        {
            h.Ok<EmptyResponse>(new MemberPublishCommand(id, $"n{id}", "", ""));
        }

        h.Error(new MemberPublishCommand(1000, "one-too-many", "", ""), StateStatus.TooLarge);
        Assert.Equal(ClusterModule.MaxMembers, h.Machine.Cluster.Members.Count);
    }

    [Fact]
    public void The_registry_survives_a_snapshot_with_identical_bytes()
    {
        var h = new Harness();
        h.Ok<EmptyResponse>(new MemberPublishCommand(9, "n9", "http://p9", "http://c9"));
        h.Ok<EmptyResponse>(new MemberPublishCommand(3, "n3", "http://p3", "http://c3"));
        var snapshot = h.Machine.Snapshot();

        var restored = new StateMachine();
        Assert.True(restored.TryRestore(snapshot, out var error), error);
        Assert.Equal(h.Machine.Cluster.Members, restored.Cluster.Members);
        Assert.Equal([3UL, 9UL], restored.Cluster.Members.Select(m => m.Id));
        Assert.Equal(snapshot, restored.Snapshot());
    }
}
