using System.Globalization;

namespace Cairn.Simulation;

/// <summary>
/// Runs many seeds and reports them readably. Everything written to <c>output</c> depends only on the options, so the
/// same seeds print the same bytes; wall-clock figures go to <c>diagnostics</c>.
/// </summary>
public static class SimulationRunner
{
    /// <summary>Totals over all seeds run.</summary>
    /// <param name="Seeds">Seeds run.</param>
    /// <param name="Steps">Ticks simulated in all.</param>
    /// <param name="Operations">Client operations invoked in all.</param>
    /// <param name="Violations">Violations found in all.</param>
    /// <param name="FailedSeeds">The seeds that found violations.</param>
    public sealed record Summary(int Seeds, long Steps, long Operations, int Violations, IReadOnlyList<ulong> FailedSeeds)
    {
        /// <summary>The one summary line, exactly as documented.</summary>
        public string Line => string.Create(CultureInfo.InvariantCulture, $"simulation: {Seeds} seeds, {Steps} steps, {Operations} client ops, {Violations} violations");
    }

    /// <summary>
    /// Runs <paramref name="seedCount"/> seeds starting at <paramref name="template"/>'s seed. With one seed the
    /// whole event trace is printed; with many, one line per seed (none with <paramref name="quiet"/>). A failing seed
    /// always prints its violations, its last events and the command that replays it.
    /// </summary>
    public static Summary Run(SimulationOptions template, int seedCount, TextWriter output, TextWriter diagnostics, bool quiet = false)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(diagnostics);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seedCount);
        var single = seedCount == 1;
        long steps = 0, operations = 0;
        var violations = 0;
        var failed = new List<ulong>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < seedCount; i++)
        {
            var options = template with { Seed = template.Seed + (ulong)i, Trace = single || template.Trace };
            var result = RunOne(options);
            steps += result.Steps;
            operations += result.Operations;
            violations += result.Violations.Count;
            if (single)
            {
                foreach (var line in result.Trace)
                {
                    output.WriteLine(line);
                }
            }

            if (!quiet || single || result.Violations.Count > 0)
            {
                output.WriteLine(Describe(result));
            }

            if (result.Violations.Count > 0)
            {
                failed.Add(result.Seed);
                ReportFailure(options, result, output, single);
            }
        }

        diagnostics.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulated {seedCount} seeds in {started.Elapsed.TotalSeconds:F1} s"));
        var summary = new Summary(seedCount, steps, operations, violations, failed);
        output.WriteLine(summary.Line);
        return summary;
    }

    /// <summary>One readable line about a run.</summary>
    public static string Describe(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var verdict = result.Violations.Count == 0 ? "all checks passed" : $"{result.Violations.Count} violations";
        return string.Create(CultureInfo.InvariantCulture,
            $"seed {result.Seed}: {result.Steps} steps, {result.Elections} elections (highest term {result.HighestTerm}), {result.Faults} faults, {result.CompletedOperations}/{result.Operations} client ops answered, {result.RetriesDeduplicated} retries deduplicated, {result.LeasesExpired}/{result.LeasesGranted} leases expired{ShortestLife(result)}, {result.WatchEventsChecked} watch events checked ({result.WatchResumes} resumes), committed to index {result.CommittedIndex}, {verdict}");
    }

    private static string ShortestLife(SimulationResult result) =>
        result.ShortestLeaseLifeMarginMs is long margin ? string.Create(CultureInfo.InvariantCulture, $" (shortest life TTL{margin:+0;-0;+0} ms)") : "";

    /// <summary>Runs one seed; a simulator that throws is reported as a violation of that seed, so the seed is printed.</summary>
    private static SimulationResult RunOne(SimulationOptions options)
    {
        try
        {
            return new ClusterSimulation(options).Run();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or KeyNotFoundException or NullReferenceException or IndexOutOfRangeException)
        {
            return new SimulationResult(options.Seed, 0, 0, 0, 0, 0, 0, 0, [$"the simulation threw {e}"], [], []);
        }
    }

    private static void ReportFailure(SimulationOptions options, SimulationResult result, TextWriter output, bool traced)
    {
        foreach (var violation in result.Violations.Take(20))
        {
            output.WriteLine($"  violation: {violation}");
        }

        if (!traced)
        {
            output.WriteLine("  last events:");
            foreach (var line in result.LastEvents.TakeLast(40))
            {
                output.WriteLine($"    {line}");
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  replay: ./cairn simulate --seed {options.Seed} --nodes {options.Nodes} --steps {options.Steps}"));
    }
}
