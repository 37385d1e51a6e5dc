namespace Cairn.Simulation.Linearizability;

/// <summary>
/// Decides whether the operations on one key form a linearizable history of a register, by the Wing &amp; Gong
/// search with Lowe's just-in-time linearization and memoization ("Testing for linearizability", 2017).
/// </summary>
/// <remarks>
/// <para>
/// The register's state is a value and a version (see <see cref="KvOperationKind"/>). Versions are tracked only when
/// some operation looks at them (a version CAS, or a Get that recorded the version it read); otherwise the version
/// stays 0 and the states are the values alone, so histories without versions search exactly as before.
/// </para>
/// <para>
/// The completed operations become a list of call and return events sorted by time (calls before returns at the
/// same tick, so intervals that touch overlap). The search walks the list from its head. At a call it tries to
/// linearize that operation now: if the register model accepts the operation's recorded result and the resulting
/// configuration (linearized sets, register state) is not in the <see cref="StateCache"/>, it pushes the
/// operation, unlinks its call and return from the list and starts again from the head. At a return it has met an
/// operation that must take effect before any later call; after also trying the pending operations (below) it
/// backtracks: pops the last operation, relinks it and tries the next candidate after it. The history is
/// linearizable when every completed operation is linearized, and not when there is nothing left to pop.
/// </para>
/// <para>
/// A pending operation has no return: its response time is infinite, so it may be linearized at any point after
/// its call, and one never linearized is one placed after everything else, which is the same as one that never
/// took effect. Pending operations wait in a second list, by invocation; at the first return of the main list, those
/// invoked by that tick are candidates too, tried after the completed ones. Pending Gets constrain nothing and are
/// dropped; identical pending operations are placed only in invocation order (see <see cref="LinkPendingTwins"/>);
/// and the cache prunes a configuration that uses more pending operations than one already explored.
/// </para>
/// <para>Single-threaded and deterministic: the same history gives the same search, count and explanation.</para>
/// </remarks>
internal sealed class KeySearch
{
    private const int AbsentValue = 0;
    private const int AbsentState = 0;
    private const int Head = 0;

    private readonly string _key;
    private readonly KvOperation[] _allOperations;
    private readonly KvOperation[] _operations; // those the search places, in history order
    private readonly RegisterStep[] _steps;
    private readonly int[] _argument; // value read, value written, value expected, or version expected
    private readonly long[] _readVersion; // version a Get read, or -1 when not recorded
    private readonly int[] _swapValue; // new value of a CAS
    private readonly int[] _pendingTwinBefore; // for a pending operation: the previous identical pending one, or -1
    private readonly Dictionary<string, int> _valueIds = new(StringComparer.Ordinal);
    private readonly List<string?> _valueNames = [null];
    private readonly bool _tracksVersions;

    // Register states, (value id, version), numbered as met; state 0 is (absent, 0).
    private readonly Dictionary<(int Value, int Version), int> _stateIds = new() { [(AbsentValue, 0)] = AbsentState };
    private readonly List<(int Value, int Version)> _stateParts = [(AbsentValue, 0)];

    /// <summary>Prepares the search over <paramref name="operations"/>, which all touch <paramref name="key"/>.</summary>
    public KeySearch(string key, IReadOnlyList<KvOperation> operations)
    {
        _key = key;
        // Ordered by id, so the search (and its count and explanation) does not depend on the order of the input.
        _allOperations = [.. operations.OrderBy(operation => operation.Id)];
        _operations = [.. _allOperations.Where(operation => !(operation.IsPending && operation.Kind == KvOperationKind.Get))];
        _steps = new RegisterStep[_operations.Length];
        _argument = new int[_operations.Length];
        _swapValue = new int[_operations.Length];
        _readVersion = new long[_operations.Length];
        _tracksVersions = _operations.Any(operation => operation.Kind == KvOperationKind.CompareVersionAndSwap
            || (operation.Kind == KvOperationKind.Get && operation.Result?.Version is not null));
        for (int index = 0; index < _operations.Length; index++)
        {
            Compile(index, _operations[index]);
        }

        _pendingTwinBefore = LinkPendingTwins();
    }

    /// <summary>Searches for a linearization, visiting at most <paramref name="maxStates"/> configurations.</summary>
    public KeySearchOutcome Run(long maxStates)
    {
        int count = _operations.Length;
        int[] completed = [.. Enumerable.Range(0, count).Where(index => !_operations[index].IsPending)];
        int[] pending = [.. Enumerable.Range(0, count)
            .Where(index => _operations[index].IsPending)
            .OrderBy(index => _operations[index].Invoked)
            .ThenBy(index => index)];
        if (completed.Length == 0)
        {
            return new KeySearchOutcome(Verdict.Linearizable, 0, string.Empty);
        }

        // Each operation's bit: completed and pending operations have separate bitsets (see StateCache).
        var bit = new int[count];
        for (int rank = 0; rank < completed.Length; rank++)
        {
            bit[completed[rank]] = rank;
        }

        for (int rank = 0; rank < pending.Length; rank++)
        {
            bit[pending[rank]] = rank;
        }

        // The main list: calls and returns of completed operations, events 1..2c between sentinels 0 and 2c + 1.
        int mainTail = (2 * completed.Length) + 1;
        var mainOperation = new int[mainTail + 1];
        var mainIsCall = new bool[mainTail + 1];
        var returnOf = new int[mainTail + 1];
        var mainNext = new int[mainTail + 1];
        var mainPrevious = new int[mainTail + 1];
        BuildMainList(completed, mainOperation, mainIsCall, returnOf);
        Chain(mainNext, mainPrevious);

        // The pending list: calls of pending operations by invocation, nodes 1..p between sentinels 0 and p + 1.
        int pendingTail = pending.Length + 1;
        var pendingOperation = new int[pendingTail + 1];
        pending.CopyTo(pendingOperation, 1);
        var pendingNext = new int[pendingTail + 1];
        var pendingPrevious = new int[pendingTail + 1];
        Chain(pendingNext, pendingPrevious);

        var completedBits = new ulong[Math.Max(1, (completed.Length + 63) / 64)];
        var pendingBits = new ulong[Math.Max(1, (pending.Length + 63) / 64)];
        var completedKeys = new ulong[completed.Length];
        for (int rank = 0; rank < completed.Length; rank++)
        {
            completedKeys[rank] = StateCache.Mix(0xD1B54A32D192ED03UL * (ulong)(rank + 1));
        }

        var cache = new StateCache(completedBits.Length, pendingBits.Length);
        var stackNode = new int[count];
        var stackWasPending = new bool[count];
        var stackState = new int[count];
        var stackDeadline = new long[count];
        var bestPrefix = Array.Empty<int>();
        int depth = 0;
        int state = AbsentState;
        ulong completedHash = 0;
        int remaining = completed.Length;
        long states = 0;

        // The scan tries, in order, the calls before the first return in the main list, then the pending calls
        // invoked by that return's tick (its deadline), then backtracks. Completed candidates go first so that
        // configurations using fewer pending operations are met first and dominate the rest.
        bool scanningPending = false;
        long deadline = 0;
        int current = mainNext[Head];
        while (remaining > 0)
        {
            int operation;
            if (!scanningPending)
            {
                if (current == mainTail)
                {
                    // Every unlinearized completed operation still has its return in the list, so the scan meets one first.
                    throw new InvalidOperationException("Linearizability search reached the end of the event list with completed operations left.");
                }

                if (!mainIsCall[current])
                {
                    deadline = _operations[mainOperation[current]].Returned!.Value;
                    scanningPending = true;
                    current = pendingNext[Head];
                    continue;
                }

                operation = mainOperation[current];
            }
            else if (current != pendingTail && _operations[pendingOperation[current]].Invoked <= deadline)
            {
                operation = pendingOperation[current];
            }
            else
            {
                if (depth == 0)
                {
                    return new KeySearchOutcome(Verdict.NotLinearizable, states, ExplainFailure(states, bestPrefix));
                }

                depth--;
                int node = stackNode[depth];
                state = stackState[depth];
                if (stackWasPending[depth])
                {
                    operation = pendingOperation[node];
                    pendingBits[bit[operation] >> 6] &= ~(1UL << bit[operation]);
                    Relink(node, pendingNext, pendingPrevious);
                    deadline = stackDeadline[depth];
                    scanningPending = true;
                    current = pendingNext[node];
                }
                else
                {
                    operation = mainOperation[node];
                    completedBits[bit[operation] >> 6] &= ~(1UL << bit[operation]);
                    completedHash ^= completedKeys[bit[operation]];
                    Relink(returnOf[node], mainNext, mainPrevious);
                    Relink(node, mainNext, mainPrevious);
                    remaining++;
                    scanningPending = false;
                    current = mainNext[node];
                }

                continue;
            }

            // Try to linearize the operation now.
            bool isPending = scanningPending;
            int twin = _pendingTwinBefore[operation];
            bool canonical = twin < 0 || (pendingBits[bit[twin] >> 6] & (1UL << bit[twin])) != 0;
            ulong[] bits = isPending ? pendingBits : completedBits;
            int word = bit[operation] >> 6;
            ulong mask = 1UL << bit[operation];
            bool pushed = false;
            if (canonical && TryStep(operation, state, out int nextState))
            {
                bits[word] |= mask;
                ulong hash = isPending ? completedHash : completedHash ^ completedKeys[bit[operation]];
                if (cache.TryAdd(completedBits, pendingBits, nextState, hash))
                {
                    pushed = true;
                    states++;
                    if (states > maxStates)
                    {
                        return new KeySearchOutcome(Verdict.Unknown, states - 1, ExplainUnknown(maxStates, bestPrefix));
                    }

                    stackNode[depth] = current;
                    stackWasPending[depth] = isPending;
                    stackState[depth] = state;
                    stackDeadline[depth] = deadline;
                    depth++;
                    state = nextState;
                    completedHash = hash;
                    if (isPending)
                    {
                        Unlink(current, pendingNext, pendingPrevious);
                    }
                    else
                    {
                        Unlink(current, mainNext, mainPrevious);
                        Unlink(returnOf[current], mainNext, mainPrevious);
                        remaining--;
                    }

                    if (depth > bestPrefix.Length)
                    {
                        bestPrefix = new int[depth];
                        for (int level = 0; level < depth; level++)
                        {
                            bestPrefix[level] = stackWasPending[level] ? pendingOperation[stackNode[level]] : mainOperation[stackNode[level]];
                        }
                    }

                    scanningPending = false;
                    current = mainNext[Head];
                }
                else
                {
                    bits[word] &= ~mask;
                }
            }

            if (!pushed)
            {
                current = isPending ? pendingNext[current] : mainNext[current];
            }
        }

        return new KeySearchOutcome(Verdict.Linearizable, states, string.Empty);
    }

    private void Compile(int index, KvOperation operation)
    {
        switch (operation.Kind)
        {
            case KvOperationKind.Get:
                _steps[index] = RegisterStep.Read;
                _argument[index] = ValueId(operation.Result!.Value);
                _readVersion[index] = operation.Result.Version is ulong version ? (long)Math.Min(version, int.MaxValue) : -1;
                break;
            case KvOperationKind.Put:
            case KvOperationKind.Delete:
                bool failed = !operation.IsPending && !operation.Result!.Ok;
                _steps[index] = failed ? RegisterStep.Impossible : RegisterStep.Write;
                _argument[index] = operation.Kind == KvOperationKind.Put ? ValueId(operation.Value) : AbsentValue;
                break;
            case KvOperationKind.CompareAndSwap:
                _steps[index] = operation.IsPending ? RegisterStep.SwapUnknown
                    : operation.Result!.Ok ? RegisterStep.SwapSucceeded
                    : RegisterStep.SwapFailed;
                _argument[index] = ValueId(operation.Expected);
                _swapValue[index] = ValueId(operation.Value);
                break;
            case KvOperationKind.CompareVersionAndSwap:
                _steps[index] = operation.IsPending ? RegisterStep.VersionSwapUnknown
                    : operation.Result!.Ok ? RegisterStep.VersionSwapSucceeded
                    : RegisterStep.VersionSwapFailed;
                _argument[index] = (int)Math.Min(operation.ExpectedVersion, int.MaxValue);
                _swapValue[index] = ValueId(operation.Value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown operation kind.");
        }
    }

    /// <summary>
    /// Pending operations with the same effect are interchangeable: a linearization that places a later-invoked
    /// one at some point, or places two in one order, stays valid with the earlier-invoked one there, or with the two
    /// swapped, since neither ever has to return. So the search places such twins only in invocation order, which
    /// cuts the 2^k subsets of k identical pending operations to k + 1 counts. Without this, a history with many
    /// timed-out writes of a few values is hard to refute.
    /// </summary>
    private int[] LinkPendingTwins()
    {
        var twinBefore = new int[_operations.Length];
        Array.Fill(twinBefore, -1);
        var lastOfClass = new Dictionary<(RegisterStep Step, int Argument, int SwapValue), int>();
        IEnumerable<int> pendingByInvocation = Enumerable.Range(0, _operations.Length)
            .Where(index => _operations[index].IsPending)
            .OrderBy(index => _operations[index].Invoked)
            .ThenBy(index => index);
        foreach (int index in pendingByInvocation)
        {
            var effect = (_steps[index], _argument[index], _swapValue[index]);
            if (lastOfClass.TryGetValue(effect, out int previous))
            {
                twinBefore[index] = previous;
            }

            lastOfClass[effect] = index;
        }

        return twinBefore;
    }

    private int ValueId(string? value)
    {
        if (value is null)
        {
            return AbsentValue;
        }

        if (!_valueIds.TryGetValue(value, out int id))
        {
            id = _valueNames.Count;
            _valueIds.Add(value, id);
            _valueNames.Add(value);
        }

        return id;
    }

    private bool TryStep(int operation, int state, out int nextState)
    {
        int argument = _argument[operation];
        (int value, int version) = _stateParts[state];
        nextState = state;
        switch (_steps[operation])
        {
            case RegisterStep.Read:
                return value == argument && (_readVersion[operation] < 0 || version == _readVersion[operation]);
            case RegisterStep.Write:
                nextState = Written(argument, version);
                return true;
            case RegisterStep.SwapSucceeded:
                nextState = Written(_swapValue[operation], version);
                return value == argument;
            case RegisterStep.SwapFailed:
                return value != argument;
            case RegisterStep.SwapUnknown:
                nextState = value == argument ? Written(_swapValue[operation], version) : state;
                return true;
            case RegisterStep.VersionSwapSucceeded:
                nextState = Written(_swapValue[operation], version);
                return version == argument;
            case RegisterStep.VersionSwapFailed:
                return version != argument;
            case RegisterStep.VersionSwapUnknown:
                nextState = version == argument ? Written(_swapValue[operation], version) : state;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The state after writing <paramref name="value"/> over a register at <paramref name="version"/>.</summary>
    private int Written(int value, int version)
    {
        if (value == AbsentValue)
        {
            return AbsentState;
        }

        var parts = (value, _tracksVersions ? version + 1 : 0);
        if (!_stateIds.TryGetValue(parts, out int state))
        {
            state = _stateParts.Count;
            _stateIds.Add(parts, state);
            _stateParts.Add(parts);
        }

        return state;
    }

    /// <summary>A register state for explanations: the value, with its version when versions are tracked.</summary>
    private string DescribeState(int state)
    {
        (int value, int version) = _stateParts[state];
        string text = HistoryText.Value(_valueNames[value]);
        return _tracksVersions && value != AbsentValue ? $"{text} (version {version})" : text;
    }

    private void BuildMainList(int[] completed, int[] eventOperation, bool[] isCall, int[] returnOf)
    {
        var events = new List<(long Tick, int Order, int Operation)>(2 * completed.Length);
        foreach (int index in completed)
        {
            events.Add((_operations[index].Invoked, 0, index));
            events.Add((_operations[index].Returned!.Value, 1, index));
        }

        events.Sort();
        var callEvent = new int[_operations.Length];
        for (int position = 0; position < events.Count; position++)
        {
            int eventIndex = position + 1;
            (_, int order, int operation) = events[position];
            eventOperation[eventIndex] = operation;
            isCall[eventIndex] = order == 0;
            if (order == 0)
            {
                callEvent[operation] = eventIndex;
            }
            else
            {
                returnOf[callEvent[operation]] = eventIndex;
            }
        }
    }

    private static void Chain(int[] next, int[] previous)
    {
        for (int node = 0; node < next.Length - 1; node++)
        {
            next[node] = node + 1;
            previous[node + 1] = node;
        }
    }

    private static void Unlink(int eventIndex, int[] next, int[] previous)
    {
        next[previous[eventIndex]] = next[eventIndex];
        previous[next[eventIndex]] = previous[eventIndex];
    }

    // Dancing links: an unlinked event keeps its own pointers, so relinking in reverse order of unlinking restores the list.
    private static void Relink(int eventIndex, int[] next, int[] previous)
    {
        next[previous[eventIndex]] = eventIndex;
        previous[next[eventIndex]] = eventIndex;
    }

    private string ExplainUnknown(long maxStates, int[] bestPrefix)
    {
        int pending = _allOperations.Count(operation => operation.IsPending);
        return $"Key {HistoryText.Quote(_key)}: inconclusive, the budget of {maxStates} states ran out "
            + $"({_allOperations.Length} operations, {pending} pending; the deepest linearizable prefix found has "
            + $"{bestPrefix.Length} of them).";
    }

    private string ExplainFailure(long states, int[] bestPrefix)
    {
        const int ShownPrefixCount = 8;
        var text = new System.Text.StringBuilder();
        int pending = _allOperations.Count(operation => operation.IsPending);
        text.Append($"Key {HistoryText.Quote(_key)}: not linearizable ({_allOperations.Length} operations, {pending} pending; ")
            .Append($"{states} states explored).\n");

        int state = AbsentState;
        var inPrefix = new bool[_operations.Length];
        foreach (int operation in bestPrefix)
        {
            bool stepped = TryStep(operation, state, out state);
            System.Diagnostics.Debug.Assert(stepped, "Every operation of a recorded prefix steps.");
            inPrefix[operation] = true;
        }

        if (bestPrefix.Length == 0)
        {
            text.Append("  No operation can be linearized first; the register starts absent.\n");
        }
        else
        {
            text.Append($"  Longest linearizable prefix found ({bestPrefix.Length} operations)");
            int skipped = Math.Max(0, bestPrefix.Length - ShownPrefixCount);
            text.Append(skipped > 0 ? $", its last {ShownPrefixCount}:\n" : ":\n");
            foreach (int operation in bestPrefix.Skip(skipped))
            {
                text.Append("    ").Append(HistoryText.Describe(_operations[operation])).Append('\n');
            }

            text.Append($"  after which the register holds {DescribeState(state)}.\n");
        }

        // The operation that must take effect next: the unlinearized completed one that returned first.
        int blocking = -1;
        for (int index = 0; index < _operations.Length; index++)
        {
            if (!inPrefix[index] && !_operations[index].IsPending
                && (blocking < 0 || _operations[index].Returned < _operations[blocking].Returned))
            {
                blocking = index;
            }
        }

        long deadline = _operations[blocking].Returned!.Value;
        text.Append($"  {HistoryText.Describe(_operations[blocking])} must take effect by tick {deadline}, ")
            .Append("but no operation that may be linearized next is consistent with that state:\n");
        for (int index = 0; index < _operations.Length; index++)
        {
            if (!inPrefix[index] && _operations[index].Invoked <= deadline)
            {
                text.Append("    ").Append(HistoryText.Describe(_operations[index])).Append(": ")
                    .Append(WhyNot(index, state)).Append('\n');
            }
        }

        return text.ToString();
    }

    private string WhyNot(int operation, int state)
    {
        string holds = DescribeState(state);
        (int value, int version) = _stateParts[state];
        int argument = _argument[operation];
        bool isVersionStep = _steps[operation] is RegisterStep.VersionSwapSucceeded or RegisterStep.VersionSwapFailed or RegisterStep.VersionSwapUnknown;
        string expected = isVersionStep ? $"version {argument}" : HistoryText.Value(_valueNames[argument]);
        return _steps[operation] switch
        {
            RegisterStep.Read => $"would read {holds}",
            RegisterStep.SwapSucceeded when value != argument => $"cannot succeed, the register holds {holds}, not {expected}",
            RegisterStep.SwapFailed when value == argument => $"cannot fail, the register holds the expected {expected}",
            RegisterStep.VersionSwapSucceeded when version != argument => $"cannot succeed, the register holds {holds}, not {expected}",
            RegisterStep.VersionSwapFailed when version == argument => $"cannot fail, the register holds the expected {expected}",
            RegisterStep.Impossible => "reported failure, which the model never does",
            _ => "consistent here (every continuation from it was explored and failed)",
        };
    }
}
