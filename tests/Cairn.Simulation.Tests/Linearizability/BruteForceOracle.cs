using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation.Tests.Linearizability;

/// <summary>
/// The definition of linearizability, executed literally for tiny histories: try every order of the operations
/// (all keys together, one map of registers) that respects real time, each pending operation either placed or
/// left out. Exponential; a reference for the checker, not a checker.
/// </summary>
internal static class BruteForceOracle
{
    public static bool IsLinearizable(IReadOnlyList<KvOperation> history) =>
        Search(history, new bool[history.Count], new Dictionary<string, string?>(StringComparer.Ordinal));

    private static bool Search(IReadOnlyList<KvOperation> history, bool[] done, Dictionary<string, string?> registers)
    {
        if (Enumerable.Range(0, history.Count).All(index => done[index] || history[index].Returned is null))
        {
            return true;
        }

        for (int index = 0; index < history.Count; index++)
        {
            if (done[index] || !MayGoNext(history, done, index))
            {
                continue;
            }

            KvOperation operation = history[index];
            string? before = registers.GetValueOrDefault(operation.Key);
            if (!TryApply(operation, before, out string? after))
            {
                continue;
            }

            done[index] = true;
            registers[operation.Key] = after;
            bool found = Search(history, done, registers);
            registers[operation.Key] = before;
            done[index] = false;
            if (found)
            {
                return true;
            }
        }

        return false;
    }

    // An operation may take effect next unless some operation not yet placed returned strictly before it was invoked.
    private static bool MayGoNext(IReadOnlyList<KvOperation> history, bool[] done, int candidate)
    {
        for (int other = 0; other < history.Count; other++)
        {
            if (!done[other] && other != candidate && history[other].Returned < history[candidate].Invoked)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryApply(KvOperation operation, string? current, out string? after)
    {
        after = current;
        KvResult? result = operation.Returned is null ? null : operation.Result;
        switch (operation.Kind)
        {
            case KvOperationKind.Get:
                return result is null || result.Value == current;
            case KvOperationKind.Put:
                after = operation.Value;
                return result is null || result.Ok;
            case KvOperationKind.Delete:
                after = null;
                return result is null || result.Ok;
            default:
                bool swaps = current == operation.Expected;
                if (swaps)
                {
                    after = operation.Value;
                }

                return result is null || result.Ok == swaps;
        }
    }
}
