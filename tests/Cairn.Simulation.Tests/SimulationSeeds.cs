namespace Cairn.Simulation.Tests;

/// <summary>Runs a block of seeds through the simulator and fails with the simulator's own report, which names each failing seed and how to replay it.</summary>
internal static class SimulationSeeds
{
    public static void AssertNoViolations(int nodes, int seeds, ulong firstSeed = 1, int steps = 2_000)
    {
        var output = new StringWriter();
        var summary = SimulationRunner.Run(new SimulationOptions { Seed = firstSeed, Nodes = nodes, Steps = steps }, seeds, output, TextWriter.Null, quiet: true);
        Assert.True(summary.Violations == 0, output.ToString());
        Assert.Equal(seeds, summary.Seeds);
        Assert.True(summary.Steps >= (long)seeds * steps, "every seed runs at least the requested steps");
        Assert.True(summary.Operations > seeds * 20L, $"the workload ran: {summary.Operations} client operations");
    }
}
