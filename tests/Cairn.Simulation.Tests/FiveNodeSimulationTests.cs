namespace Cairn.Simulation.Tests;

/// <summary>Five voters: more room for partitions of every shape, bridges among them.</summary>
public sealed class FiveNodeSimulationTests
{
    [Fact]
    public void Two_hundred_seeds_of_five_nodes_find_no_violation() => SimulationSeeds.AssertNoViolations(nodes: 5, seeds: 200, firstSeed: 10_001);
}
