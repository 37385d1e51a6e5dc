using Cairn.Raft;

namespace Cairn.Storage.Tests;

/// <summary>Seeded generator of Raft-shaped writes applied to the storage under test and to the model alike.</summary>
internal sealed class Workload(int seed)
{
    private readonly Random _random = new(seed);
    private ulong _term = 1;

    public Random Random => _random;

    public Entry[] Entries(LogIndex first, int count, int maxDataBytes, int minDataBytes = 0)
    {
        if (_random.Next(4) == 0)
        {
            _term++;
        }

        var entries = new Entry[count];
        for (var i = 0; i < count; i++)
        {
            var data = new byte[_random.Next(minDataBytes, maxDataBytes + 1)];
            _random.NextBytes(data);
            var kind = _random.Next(10) == 0 ? EntryKind.MembershipChange : EntryKind.Command;
            entries[i] = new Entry(first.Plus((ulong)i), new Term(_term), kind, data);
        }

        return entries;
    }

    public HardState? MaybeHardState(IRaftLogReader current)
    {
        if (_random.Next(3) == 0)
        {
            return null;
        }

        var commit = new LogIndex((ulong)_random.NextInt64((long)current.LastIndex.Value + 1));
        return new HardState(new Term(_term), new NodeId((ulong)_random.Next(4)), commit);
    }

    public Membership Membership() => new(
        Enumerable.Range(1, _random.Next(1, 4)).Select(i => new NodeId((ulong)i)),
        _random.Next(2) == 0 ? [] : [new NodeId(9)]);

    public byte[] SnapshotData()
    {
        var data = new byte[_random.Next(200)];
        _random.NextBytes(data);
        return data;
    }

    public Term NextTerm() => new(++_term);
}
