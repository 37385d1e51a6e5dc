namespace Cairn.Raft;

/// <summary>The only source of randomness the core uses; injected so that a seed replays a run exactly.</summary>
public interface IRandomSource
{
    /// <summary>A uniformly distributed integer in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);
}
