using System.Diagnostics;
using Cairn.Simulation.Linearizability;
using Xunit.Abstractions;

namespace Cairn.Simulation.Tests.Linearizability;

/// <summary>A sanity bound, not a benchmark: simulator-sized histories must check in well under a second.</summary>
public sealed class LinearizabilityPerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void A_2000_operation_history_over_5_keys_and_5_clients_checks_quickly()
    {
        IReadOnlyList<KvOperation> history = RandomHistory.Generate(
            seed: 2024, operationCount: 2_000, clientCount: 5, keyCount: 5, valueCount: 3, pendingProbability: 0.01, maxDurationTicks: 25);

        var stopwatch = Stopwatch.StartNew();
        LinearizabilityResult result = LinearizabilityChecker.Check(history);
        stopwatch.Stop();

        output.WriteLine($"{result.Explanation} {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(result.Verdict == Verdict.Linearizable, result.Explanation);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void A_2000_operation_history_on_one_hot_key_with_pending_operations_checks_quickly()
    {
        IReadOnlyList<KvOperation> history = RandomHistory.Generate(
            seed: 99, operationCount: 2_000, clientCount: 5, keyCount: 1, valueCount: 2, pendingProbability: 0.03, maxDurationTicks: 40);

        var stopwatch = Stopwatch.StartNew();
        LinearizabilityResult result = LinearizabilityChecker.Check(history);
        stopwatch.Stop();

        output.WriteLine($"{result.Explanation} {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(result.Verdict == Verdict.Linearizable, result.Explanation);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }
}
