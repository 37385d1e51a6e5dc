namespace Cairn.Simulation.Tests;

/// <summary>A seed is a complete description of a run: replaying it must print the same bytes.</summary>
public sealed class DeterminismTests
{
    [Theory]
    [InlineData(7UL, 5)]
    [InlineData(42UL, 3)]
    public void The_same_seed_prints_the_same_output_twice(ulong seed, int nodes)
    {
        static string Run(ulong seed, int nodes)
        {
            var output = new StringWriter();
            SimulationRunner.Run(new SimulationOptions { Seed = seed, Nodes = nodes }, 1, output, TextWriter.Null);
            return output.ToString();
        }

        var first = Run(seed, nodes);
        Assert.Equal(first, Run(seed, nodes));
        Assert.Contains("leads", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Different_seeds_take_different_paths()
    {
        var a = new ClusterSimulation(new SimulationOptions { Seed = 1, Nodes = 3, Trace = true }).Run();
        var b = new ClusterSimulation(new SimulationOptions { Seed = 2, Nodes = 3, Trace = true }).Run();
        Assert.NotEqual(a.Trace, b.Trace);
    }

    [Fact]
    public void The_summary_line_has_the_documented_shape()
    {
        var summary = new SimulationRunner.Summary(3, 6000, 120, 0, []);
        Assert.Equal("simulation: 3 seeds, 6000 steps, 120 client ops, 0 violations", summary.Line);
    }

    [Fact]
    public void A_run_records_faults_elections_and_answered_operations()
    {
        var result = new ClusterSimulation(new SimulationOptions { Seed = 9, Nodes = 5 }).Run();
        Assert.True(result.Faults > 10, $"faults injected: {result.Faults}");
        Assert.True(result.Elections > 1, $"elections: {result.Elections}");
        Assert.True(result.CompletedOperations > 50, $"answered: {result.CompletedOperations}");
        Assert.Equal(result.Operations, result.CompletedOperations);
        Assert.Empty(result.Violations);
    }

    [Fact]
    public void A_run_exercises_leader_promotions_leases_retries_and_watches()
    {
        var result = new ClusterSimulation(new SimulationOptions { Seed = 9, Nodes = 5 }).Run();
        Assert.True(result.Promotions > 1, $"promotions: {result.Promotions}");
        Assert.True(result.LeasesExpired > 0 && result.LeasesGranted > result.LeasesExpired, $"leases: {result.LeasesExpired}/{result.LeasesGranted} expired");
        Assert.True(result.RetriesDeduplicated > 0, $"retries answered from the session table: {result.RetriesDeduplicated}");
        Assert.True(result.WatchEventsChecked > 50, $"watch events checked: {result.WatchEventsChecked}");
        Assert.True(result.WatchResumes > 0, $"watch resumes: {result.WatchResumes}");
        Assert.Empty(result.Violations);
    }
}
