using System.Text;

namespace Cairn.Simulation.Linearizability;

/// <summary>
/// Checks that a recorded history of key-value operations is linearizable: that every operation can be given a
/// point between its invocation and its response such that, in that order, the responses are those of a single
/// register per key that starts absent.
/// </summary>
/// <remarks>
/// Linearizability is local (Herlihy &amp; Wing, 1990): a history is linearizable if and only if the sub-history of
/// each key is. So each key is checked alone, which turns one exponential search into several small ones. Per key
/// the search is Wing &amp; Gong's, with Lowe's just-in-time linearization and memoization of (linearized set,
/// register state); see <see cref="KeySearch"/>. Pending operations may have taken effect at any point after their
/// invocation, or never. Deterministic and single-threaded.
/// </remarks>
public static class LinearizabilityChecker
{
    /// <summary>The default for the per-key state budget of <see cref="Check"/>.</summary>
    public const long DefaultMaxStatesPerKey = 1_000_000;

    /// <summary>Checks <paramref name="history"/> key by key.</summary>
    /// <param name="history">The operations, in any order. Ids must be unique and a completed operation must carry
    /// its result.</param>
    /// <param name="maxStatesPerKey">How many distinct configurations the search of one key may visit before it
    /// gives up with <see cref="Verdict.Unknown"/>.</param>
    /// <returns>The verdict over all keys, a readable explanation and the per-key outcomes.</returns>
    /// <exception cref="ArgumentException">An operation is malformed: null key, duplicate id, a response before
    /// its invocation, or a completed operation without a result.</exception>
    public static LinearizabilityResult Check(IReadOnlyList<KvOperation> history, long maxStatesPerKey = DefaultMaxStatesPerKey)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStatesPerKey);
        Validate(history);

        var byKey = new SortedDictionary<string, List<KvOperation>>(StringComparer.Ordinal);
        foreach (KvOperation operation in history)
        {
            if (!byKey.TryGetValue(operation.Key, out List<KvOperation>? operations))
            {
                operations = [];
                byKey.Add(operation.Key, operations);
            }

            operations.Add(operation);
        }

        var keys = new List<KeyCheckResult>(byKey.Count);
        var failures = new StringBuilder();
        var unknowns = new StringBuilder();
        long totalStates = 0;
        foreach ((string key, List<KvOperation> operations) in byKey)
        {
            KeySearchOutcome outcome = new KeySearch(key, operations).Run(maxStatesPerKey);
            keys.Add(new KeyCheckResult(key, outcome.Verdict, operations.Count, outcome.StatesExplored));
            totalStates += outcome.StatesExplored;
            if (outcome.Verdict == Verdict.NotLinearizable)
            {
                failures.Append(outcome.Explanation);
            }
            else if (outcome.Verdict == Verdict.Unknown)
            {
                unknowns.Append(outcome.Explanation).Append('\n');
            }
        }

        string summary = $"{history.Count} operations over {byKey.Count} keys, {totalStates} states explored.";
        if (failures.Length > 0)
        {
            return new LinearizabilityResult(
                Verdict.NotLinearizable,
                $"Not linearizable: {summary}\n{failures}{unknowns}",
                totalStates,
                keys);
        }

        if (unknowns.Length > 0)
        {
            return new LinearizabilityResult(Verdict.Unknown, $"Unknown: {summary}\n{unknowns}", totalStates, keys);
        }

        return new LinearizabilityResult(Verdict.Linearizable, $"Linearizable: {summary}", totalStates, keys);
    }

    private static void Validate(IReadOnlyList<KvOperation> history)
    {
        var ids = new HashSet<int>();
        foreach (KvOperation? operation in history)
        {
            if (operation is null)
            {
                throw new ArgumentException("The history contains a null operation.", nameof(history));
            }

            if (operation.Key is null)
            {
                throw new ArgumentException($"Operation #{operation.Id} has a null key.", nameof(history));
            }

            if (!ids.Add(operation.Id))
            {
                throw new ArgumentException($"Operation id #{operation.Id} appears more than once.", nameof(history));
            }

            if (operation.Returned < operation.Invoked)
            {
                throw new ArgumentException(
                    $"Operation #{operation.Id} returned at tick {operation.Returned} before it was invoked at {operation.Invoked}.",
                    nameof(history));
            }

            if (!operation.IsPending && operation.Result is null)
            {
                throw new ArgumentException($"Completed operation #{operation.Id} has no result.", nameof(history));
            }

            if (!Enum.IsDefined(operation.Kind))
            {
                throw new ArgumentException($"Operation #{operation.Id} has unknown kind {operation.Kind}.", nameof(history));
            }
        }
    }
}
