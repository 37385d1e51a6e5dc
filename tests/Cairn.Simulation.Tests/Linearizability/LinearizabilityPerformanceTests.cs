using System.Diagnostics;
using Cairn.Simulation.Linearizability;
using Xunit.Abstractions;

namespace Cairn.Simulation.Tests.Linearizability;

/// <summary>A sanity bound, not a benchmark: simulator-sized histories must check in well under a second.</summary>
public sealed class LinearizabilityPerformanceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2024UL, 5, 3, 0.01, 25)]
    [InlineData(99UL, 1, 2, 0.03, 40)]
    public void A_2000_operation_history_from_5_clients_checks_quickly(ulong seed, int keyCount, int valueCount, double pendingProbability, int maxDurationTicks)
    {
        IReadOnlyList<KvOperation> history = RandomHistory.Generate(
            seed, operationCount: 2_000, clientCount: 5, keyCount, valueCount, pendingProbability, maxDurationTicks);

        var stopwatch = Stopwatch.StartNew();
        LinearizabilityResult result = LinearizabilityChecker.Check(history);
        stopwatch.Stop();

        output.WriteLine($"{result.Explanation} {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(result.Verdict == Verdict.Linearizable, result.Explanation);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }
}
