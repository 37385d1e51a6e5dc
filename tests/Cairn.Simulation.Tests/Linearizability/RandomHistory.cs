using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation.Tests.Linearizability;

/// <summary>
/// Generates histories that are linearizable by construction: each operation gets a random interval per client
/// (clients issue one operation at a time) and a random linearization point inside it; the operations are then
/// applied to a plain sequential register in order of those points to obtain their results. A pending operation
/// takes effect at its point or, half of the time, never. With versions, the register also counts versions (etcd's:
/// puts since the key was created), version compare-and-swaps join the mix and reads record the version they saw.
/// </summary>
internal static class RandomHistory
{
    public static IReadOnlyList<KvOperation> Generate(
        ulong seed, int operationCount, int clientCount, int keyCount, int valueCount, double pendingProbability, int maxDurationTicks, bool versions = false)
    {
        var random = new SplitMix64(seed);
        var clientFreeAt = new long[clientCount];
        var drafts = new List<(KvOperation Operation, long? Point)>(operationCount);
        for (int index = 0; index < operationCount; index++)
        {
            int client = random.Next(clientCount);
            long invoked = clientFreeAt[client] + random.Next(3);
            long duration = 1 + random.Next(maxDurationTicks);
            long returned = invoked + duration;
            bool pending = random.Chance(pendingProbability);
            long? point = pending && random.Chance(0.5) ? null : invoked + random.Next((int)duration + 1);
            clientFreeAt[client] = returned + 1;

            var kind = (KvOperationKind)random.Next(versions ? 5 : 4);
            string key = "k" + random.Next(keyCount);
            string? value = kind is KvOperationKind.Put or KvOperationKind.CompareAndSwap or KvOperationKind.CompareVersionAndSwap ? "v" + random.Next(valueCount) : null;
            string? expected = kind == KvOperationKind.CompareAndSwap && random.Next(valueCount + 1) is int pick && pick < valueCount
                ? "v" + pick
                : null;
            ulong expectedVersion = kind == KvOperationKind.CompareVersionAndSwap ? (ulong)random.Next(3) : 0;
            drafts.Add((new KvOperation(index + 1, client, kind, key, value, expected, invoked, pending ? null : returned, null, expectedVersion), point));
        }

        var register = new Dictionary<string, (string? Value, ulong Version)>(StringComparer.Ordinal);
        var results = new KvResult?[operationCount];
        foreach (int index in Enumerable.Range(0, operationCount)
                     .Where(index => drafts[index].Point is not null)
                     .OrderBy(index => drafts[index].Point)
                     .ThenBy(index => index))
        {
            KvOperation operation = drafts[index].Operation;
            (string? current, ulong version) = register.GetValueOrDefault(operation.Key);
            switch (operation.Kind)
            {
                case KvOperationKind.Get:
                    results[index] = new KvResult(true, current, versions ? version : null);
                    break;
                case KvOperationKind.Put:
                    register[operation.Key] = (operation.Value, version + 1);
                    results[index] = new KvResult(true, null);
                    break;
                case KvOperationKind.Delete:
                    register[operation.Key] = (null, 0);
                    results[index] = new KvResult(true, null);
                    break;
                case KvOperationKind.CompareAndSwap:
                    bool swapped = current == operation.Expected;
                    if (swapped)
                    {
                        register[operation.Key] = (operation.Value, version + 1);
                    }

                    results[index] = new KvResult(swapped, null);
                    break;
                case KvOperationKind.CompareVersionAndSwap:
                    bool matched = version == operation.ExpectedVersion;
                    if (matched)
                    {
                        register[operation.Key] = (operation.Value, version + 1);
                    }

                    results[index] = new KvResult(matched, null);
                    break;
            }
        }

        return [.. drafts.Select((draft, index) => draft.Operation.Returned is null ? draft.Operation : draft.Operation with { Result = results[index] })];
    }

    /// <summary>
    /// Changes the recorded result of one completed operation (or the value of a Put), which usually, not always,
    /// makes the history non-linearizable.
    /// </summary>
    public static IReadOnlyList<KvOperation> Mutate(IReadOnlyList<KvOperation> history, SplitMix64 random, int valueCount)
    {
        int[] completed = [.. Enumerable.Range(0, history.Count).Where(index => history[index].Returned is not null)];
        if (completed.Length == 0)
        {
            return history;
        }

        int target = completed[random.Next(completed.Length)];
        KvOperation operation = history[target];
        KvOperation mutated = operation.Kind switch
        {
            KvOperationKind.Get when operation.Result!.Version is ulong version && random.Chance(0.5) =>
                operation with { Result = operation.Result with { Version = version == 0 || random.Chance(0.5) ? version + 1 : version - 1 } },
            KvOperationKind.Get => operation with { Result = operation.Result! with { Value = OtherValue(operation.Result!.Value, random, valueCount) } },
            KvOperationKind.CompareAndSwap or KvOperationKind.CompareVersionAndSwap => operation with { Result = new KvResult(!operation.Result!.Ok, null) },
            KvOperationKind.Put => operation with { Value = OtherValue(operation.Value, random, valueCount) },
            _ => operation with { Kind = KvOperationKind.Put, Value = OtherValue(null, random, valueCount) },
        };
        var copy = history.ToArray();
        copy[target] = mutated;
        return copy;
    }

    private static string? OtherValue(string? value, SplitMix64 random, int valueCount)
    {
        while (true)
        {
            int pick = random.Next(valueCount + 2);
            string? candidate = pick < valueCount ? "v" + pick : pick == valueCount ? null : "never-written";
            if (candidate != value)
            {
                return candidate;
            }
        }
    }
}
