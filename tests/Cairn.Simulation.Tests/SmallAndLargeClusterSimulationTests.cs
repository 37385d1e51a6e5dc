namespace Cairn.Simulation.Tests;

/// <summary>The edges: a single voter (which grows and shrinks through membership changes) and seven voters.</summary>
public sealed class SmallAndLargeClusterSimulationTests
{
    [Fact]
    public void One_hundred_seeds_of_one_node_find_no_violation() => SimulationSeeds.AssertNoViolations(nodes: 1, seeds: 100, firstSeed: 20_001);

    [Fact]
    public void Fifty_seeds_of_seven_nodes_find_no_violation() => SimulationSeeds.AssertNoViolations(nodes: 7, seeds: 50, firstSeed: 30_001);
}
