namespace Cairn.Raft.Tests.Harness;

/// <summary>Short constructors for ids, terms and indexes, so scenarios read like the paper's figures.</summary>
internal static class N
{
    public static NodeId Id(ulong value) => new(value);

    public static Term T(ulong value) => new(value);

    public static LogIndex I(ulong value) => new(value);
}
