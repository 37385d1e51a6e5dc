using Cairn.Raft.Tests.Harness;

namespace Cairn.Raft.Tests.Paper;

/// <summary>Options are validated up front: the node's constructor refuses invalid options with the offending name.</summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, RaftOptions, string?> Invalid => new()
    {
        { "no id", new RaftOptions { Id = NodeId.None }, "Id" },
        { "zero heartbeat", new RaftOptions { Id = N.Id(1), HeartbeatIntervalTicks = 0 }, "HeartbeatIntervalTicks" },
        { "election below three heartbeats", new RaftOptions { Id = N.Id(1), HeartbeatIntervalTicks = 2, ElectionTimeoutTicks = 5 }, "ElectionTimeoutTicks" },
        { "zero inflight", new RaftOptions { Id = N.Id(1), MaxInflightMessages = 0 }, null },
        { "zero append bytes", new RaftOptions { Id = N.Id(1), MaxAppendBytes = 0 }, null },
        { "zero apply bytes", new RaftOptions { Id = N.Id(1), MaxApplyBytes = 0 }, null },
        { "zero uncommitted", new RaftOptions { Id = N.Id(1), MaxUncommittedEntries = 0 }, null },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_options_are_refused_by_the_constructor(string name, RaftOptions options, string? parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => new RaftNode(options, new MemoryStorage(), new SplitMix64(1)));

        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void The_defaults_and_the_smallest_legal_timings_are_accepted()
    {
        _ = new RaftNode(new RaftOptions { Id = N.Id(1) }, new MemoryStorage(), new SplitMix64(1));
        _ = new RaftNode(new RaftOptions { Id = N.Id(1), HeartbeatIntervalTicks = 1, ElectionTimeoutTicks = 3 }, new MemoryStorage(), new SplitMix64(1));
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        var options = new RaftOptions { Id = N.Id(1) };

        Assert.Throws<ArgumentNullException>(() => new RaftNode(null!, new MemoryStorage(), new SplitMix64(1)));
        Assert.Throws<ArgumentNullException>(() => new RaftNode(options, null!, new SplitMix64(1)));
        Assert.Throws<ArgumentNullException>(() => new RaftNode(options, new MemoryStorage(), null!));
    }
}
