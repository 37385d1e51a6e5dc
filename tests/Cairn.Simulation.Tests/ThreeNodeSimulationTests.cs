namespace Cairn.Simulation.Tests;

/// <summary>
/// The default safety net: 500 seeds of 2,000 fault-injecting steps on three voters. The four bugs injected by
/// tests/bug-injections are each caught by these seeds (run tests/bug-injections/run.sh to see it again).
/// </summary>
public sealed class ThreeNodeSimulationTests
{
    [Fact]
    public void Five_hundred_seeds_of_three_nodes_find_no_violation() => SimulationSeeds.AssertNoViolations(nodes: 3, seeds: 500);
}
