namespace Cairn.Simulation.Linearizability;

/// <summary>
/// The memo of Lowe's search: the configurations already explored, each a set of linearized completed
/// operations, a set of linearized pending operations and a register state (value and version). Every configuration in it has been
/// explored without success (the search stops at its first success), so one need not be explored again, nor any
/// configuration it dominates: the same completed set and value with a superset of the pending operations used,
/// since pending operations are optional and having more of them left can only add ways to finish.
/// </summary>
/// <remarks>
/// Configurations are grouped by (completed set, value) in an open-addressing table; each group holds the
/// pending sets seen with it. Bitsets live in flat arenas, so an entry costs a few words and no object.
/// </remarks>
internal sealed class StateCache
{
    private const int InitialCapacity = 1024;

    private readonly int _completedWords;
    private readonly int _pendingWords;

    // Groups: one per distinct (completed set, value).
    private ulong[] _groupBits;
    private int[] _groupStates;
    private ulong[] _groupHashes;
    private int[] _groupFirstMember;
    private int _groupCount;
    private int[] _slots; // 0 = empty, otherwise group index + 1

    // Members: the pending sets of a group, as a singly linked list per group.
    private ulong[] _memberBits;
    private int[] _memberNext;
    private int _memberCount;

    /// <summary>Creates an empty cache for the given bitset sizes in 64-bit words.</summary>
    public StateCache(int completedWords, int pendingWords)
    {
        _completedWords = completedWords;
        _pendingWords = pendingWords;
        _groupBits = new ulong[InitialCapacity * completedWords];
        _groupStates = new int[InitialCapacity];
        _groupHashes = new ulong[InitialCapacity];
        _groupFirstMember = new int[InitialCapacity];
        _slots = new int[InitialCapacity * 2];
        _memberBits = new ulong[InitialCapacity * pendingWords];
        _memberNext = new int[InitialCapacity];
    }

    /// <summary>How many configurations were added (some may since have been dropped as dominated).</summary>
    public int Count => _memberCount;

    /// <summary>
    /// Adds the configuration unless it, or one that dominates it, is present. <paramref name="completedHash"/>
    /// must be a hash of <paramref name="completed"/> that equal bitsets share (the search keeps an incremental XOR
    /// of per-operation keys).
    /// </summary>
    /// <returns>True if the configuration is new and not dominated, so it is worth exploring.</returns>
    public bool TryAdd(ReadOnlySpan<ulong> completed, ReadOnlySpan<ulong> pending, int state, ulong completedHash)
    {
        ulong hash = Mix(completedHash ^ ((ulong)(uint)state * 0x9E3779B97F4A7C15UL));
        int mask = _slots.Length - 1;
        int slot = (int)hash & mask;
        int group = -1;
        while (_slots[slot] != 0)
        {
            int candidate = _slots[slot] - 1;
            if (_groupHashes[candidate] == hash && _groupStates[candidate] == state
                && completed.SequenceEqual(_groupBits.AsSpan(candidate * _completedWords, _completedWords)))
            {
                group = candidate;
                break;
            }

            slot = (slot + 1) & mask;
        }

        if (group < 0)
        {
            group = AddGroup(slot, completed, state, hash);
        }
        else
        {
            for (int member = _groupFirstMember[group]; member >= 0; member = _memberNext[member])
            {
                if (IsSubset(_memberBits.AsSpan(member * _pendingWords, _pendingWords), pending))
                {
                    return false;
                }
            }

            // The new set dominates the supersets of it; drop them so that a group stays an antichain, short to scan.
            int previous = -1;
            for (int member = _groupFirstMember[group]; member >= 0; member = _memberNext[member])
            {
                if (IsSubset(pending, _memberBits.AsSpan(member * _pendingWords, _pendingWords)))
                {
                    if (previous < 0)
                    {
                        _groupFirstMember[group] = _memberNext[member];
                    }
                    else
                    {
                        _memberNext[previous] = _memberNext[member];
                    }
                }
                else
                {
                    previous = member;
                }
            }
        }

        AddMember(group, pending);
        return true;
    }

    private int AddGroup(int slot, ReadOnlySpan<ulong> completed, int state, ulong hash)
    {
        if (_groupCount == _groupStates.Length)
        {
            int capacity = _groupCount * 2;
            Array.Resize(ref _groupBits, capacity * _completedWords);
            Array.Resize(ref _groupStates, capacity);
            Array.Resize(ref _groupHashes, capacity);
            Array.Resize(ref _groupFirstMember, capacity);
        }

        int group = _groupCount++;
        completed.CopyTo(_groupBits.AsSpan(group * _completedWords, _completedWords));
        _groupStates[group] = state;
        _groupHashes[group] = hash;
        _groupFirstMember[group] = -1;
        _slots[slot] = group + 1;
        if (_groupCount * 2 > _slots.Length)
        {
            GrowSlots();
        }

        return group;
    }

    private void AddMember(int group, ReadOnlySpan<ulong> pending)
    {
        if (_memberCount == _memberNext.Length)
        {
            int capacity = _memberCount * 2;
            Array.Resize(ref _memberBits, capacity * _pendingWords);
            Array.Resize(ref _memberNext, capacity);
        }

        int member = _memberCount++;
        pending.CopyTo(_memberBits.AsSpan(member * _pendingWords, _pendingWords));
        _memberNext[member] = _groupFirstMember[group];
        _groupFirstMember[group] = member;
    }

    private static bool IsSubset(ReadOnlySpan<ulong> subset, ReadOnlySpan<ulong> superset)
    {
        for (int word = 0; word < subset.Length; word++)
        {
            if ((subset[word] & ~superset[word]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private void GrowSlots()
    {
        var slots = new int[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int group = 0; group < _groupCount; group++)
        {
            int slot = (int)_groupHashes[group] & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = group + 1;
        }

        _slots = slots;
    }

    /// <summary>SplitMix64's finalizer: spreads every input bit over the output.</summary>
    internal static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
