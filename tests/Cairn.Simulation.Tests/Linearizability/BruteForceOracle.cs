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
        Search(history, new bool[history.Count], new Dictionary<string, (string?, ulong)>(StringComparer.Ordinal));

    private static bool Search(IReadOnlyList<KvOperation> history, bool[] done, Dictionary<string, (string? Value, ulong Version)> registers)
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
            (string? Value, ulong Version) before = registers.GetValueOrDefault(operation.Key);
            if (!TryApply(operation, before, out (string? Value, ulong Version) after))
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

    private static bool TryApply(KvOperation operation, (string? Value, ulong Version) current, out (string? Value, ulong Version) after)
    {
        after = current;
        KvResult? result = operation.Returned is null ? null : operation.Result;
        (string? Value, ulong Version) written = operation.Value is null ? (null, 0) : (operation.Value, current.Version + 1);
        switch (operation.Kind)
        {
            case KvOperationKind.Get:
                return result is null || (result.Value == current.Value && (result.Version is null || result.Version == current.Version));
            case KvOperationKind.Put:
                after = written;
                return result is null || result.Ok;
            case KvOperationKind.Delete:
                after = (null, 0);
                return result is null || result.Ok;
            default:
                bool swaps = operation.Kind == KvOperationKind.CompareVersionAndSwap
                    ? current.Version == operation.ExpectedVersion
                    : current.Value == operation.Expected;
                if (swaps)
                {
                    after = written;
                }

                return result is null || result.Ok == swaps;
        }
    }
}
