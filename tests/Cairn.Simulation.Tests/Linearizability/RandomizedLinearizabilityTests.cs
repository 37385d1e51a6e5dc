using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation.Tests.Linearizability;

/// <summary>
/// Seeded property tests. Histories generated from a real sequential register are linearizable by construction,
/// so the checker must accept them; tiny mutated histories are compared against <see cref="BruteForceOracle"/>.
/// A failure names its seed; rerun with that seed to replay it.
/// </summary>
public sealed class RandomizedLinearizabilityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Histories_generated_from_a_sequential_register_are_linearizable(bool versions)
    {
        for (ulong seed = 1; seed <= 200; seed++)
        {
            var random = new SplitMix64(seed);
            int keyCount = 1 + random.Next(3);
            IReadOnlyList<KvOperation> history = RandomHistory.Generate(
                seed,
                operationCount: 20 + random.Next(200),
                clientCount: 2 + random.Next(5),
                keyCount: keyCount,
                valueCount: 2 + random.Next(3),
                pendingProbability: random.Chance(0.5) ? 0.05 : 0.0,
                maxDurationTicks: 1 + random.Next(30),
                versions);

            LinearizabilityResult result = LinearizabilityChecker.Check(history);

            Assert.True(result.Verdict == Verdict.Linearizable, $"seed {seed} (versions: {versions}): {result.Explanation}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mutated_histories_get_the_verdict_of_the_brute_force_definition(bool versions)
    {
        int rejected = 0;
        const int Runs = 600;
        for (ulong seed = 1; seed <= Runs; seed++)
        {
            var random = new SplitMix64(seed * 7919);
            const int ValueCount = 2;
            IReadOnlyList<KvOperation> history = RandomHistory.Generate(
                seed,
                operationCount: 3 + random.Next(6),
                clientCount: 2 + random.Next(3),
                keyCount: 1 + random.Next(2),
                valueCount: ValueCount,
                pendingProbability: 0.2,
                maxDurationTicks: 1 + random.Next(8),
                versions);
            if (random.Chance(0.8))
            {
                history = RandomHistory.Mutate(history, random, ValueCount);
            }

            bool expected = BruteForceOracle.IsLinearizable(history);
            LinearizabilityResult result = LinearizabilityChecker.Check(history);

            Assert.True(
                result.IsLinearizable == expected && result.Verdict != Verdict.Unknown,
                $"seed {seed} (versions: {versions}): brute force says {(expected ? "linearizable" : "not linearizable")}, checker says {result.Verdict}\n"
                + $"{result.Explanation}\n{string.Join('\n', history)}");
            rejected += expected ? 0 : 1;
        }

        // The mutations must actually exercise the failing path, not only the passing one.
        Assert.InRange(rejected, Runs / 5, Runs);
    }

    [Fact]
    public void Larger_mutated_histories_are_mostly_rejected_and_never_inconclusive()
    {
        int rejected = 0;
        const int Runs = 100;
        for (ulong seed = 1; seed <= Runs; seed++)
        {
            var random = new SplitMix64(seed * 104729);
            IReadOnlyList<KvOperation> history = RandomHistory.Mutate(
                RandomHistory.Generate(seed, operationCount: 400, clientCount: 5, keyCount: 3, valueCount: 4, pendingProbability: 0.02, maxDurationTicks: 20),
                random,
                valueCount: 4);

            LinearizabilityResult result = LinearizabilityChecker.Check(history);

            Assert.True(result.Verdict != Verdict.Unknown, $"seed {seed}: {result.Explanation}");
            rejected += result.IsLinearizable ? 0 : 1;
        }

        // Many mutations stay invisible (a changed Put value nobody reads, a read flipped to a concurrent write's value).
        Assert.InRange(rejected, Runs / 4, Runs);
    }
}
