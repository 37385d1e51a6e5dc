using Cairn.Raft;

namespace Cairn.Transport.Tests;

/// <summary>Seeded generators of messages and an exact (payload-deep) comparison.</summary>
internal static class TestMessages
{
    private static readonly Entry[] _noEntries = [];

    public static Message Random(SplitMix64 random)
    {
        var entries = new Entry[random.Next(4) == 0 ? 0 : random.Next(24)];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new Entry(new LogIndex(Number(random)), new Term(Number(random)), (EntryKind)random.Next(2), Bytes(random, random.Next(3) == 0 ? 0 : random.Next(600)));
        }

        Snapshot? snapshot = null;
        if (random.Next(4) == 0)
        {
            var ids = Enumerable.Range(0, random.Next(8)).Select(_ => new NodeId(1 + (Number(random) % 10_000))).Distinct().ToArray();
            var voters = ids.Length == 0 ? 0 : random.Next(ids.Length + 1);
            var membership = new Membership(ids.Take(voters), ids.Skip(voters));
            snapshot = new Snapshot(new SnapshotMetadata(new LogIndex(Number(random)), new Term(Number(random)), membership), Bytes(random, random.Next(2000)));
        }

        return new Message
        {
            Type = (MessageType)(1 + random.Next(Enum.GetValues<MessageType>().Length)),
            From = new NodeId(Number(random)),
            To = new NodeId(Number(random)),
            Term = new Term(Number(random)),
            LogTerm = new Term(Number(random)),
            Index = new LogIndex(Number(random)),
            Commit = new LogIndex(Number(random)),
            Reject = random.Next(2) == 0,
            RejectHint = new LogIndex(Number(random)),
            Context = Number(random),
            Entries = entries,
            Snapshot = snapshot,
        };
    }

    /// <summary>Values that cover every varint length: zero, small, mid-sized, the maximum.</summary>
    public static ulong Number(SplitMix64 random) => random.Next(5) switch
    {
        0 => 0,
        1 => (ulong)random.Next(128),
        2 => (ulong)random.Next(1 << 20),
        3 => random.NextUInt64() >> random.Next(64),
        _ => ulong.MaxValue,
    };

    public static byte[] Bytes(SplitMix64 random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.NextUInt64();
        }

        return bytes;
    }

    public static Message Append(NodeId from, NodeId to, ulong index, int payloadBytes = 32) => new()
    {
        Type = MessageType.Append,
        From = from,
        To = to,
        Term = new Term(3),
        Index = new LogIndex(index),
        LogTerm = new Term(3),
        Commit = new LogIndex(index),
        Entries = [new Entry(new LogIndex(index + 1), new Term(3), EntryKind.Command, new byte[payloadBytes])],
    };

    public static Message Heartbeat(NodeId from, NodeId to, ulong context) => new()
    {
        Type = MessageType.Heartbeat,
        From = from,
        To = to,
        Term = new Term(3),
        Context = context,
    };

    /// <summary>Asserts equality of every field, comparing entry payloads and snapshot data by content.</summary>
    public static void AssertSame(Message expected, Message actual)
    {
        Assert.Equal(expected with { Entries = _noEntries, Snapshot = null }, actual with { Entries = _noEntries, Snapshot = null });
        Assert.Equal(expected.Entries.Count, actual.Entries.Count);
        for (var i = 0; i < expected.Entries.Count; i++)
        {
            var (e, a) = (expected.Entries[i], actual.Entries[i]);
            Assert.Equal((e.Index, e.Term, e.Kind), (a.Index, a.Term, a.Kind));
            Assert.True(e.Data.Span.SequenceEqual(a.Data.Span), $"entry {i} payload differs");
        }

        Assert.Equal(expected.Snapshot is null, actual.Snapshot is null);
        if (expected.Snapshot is { } snapshot)
        {
            Assert.Equal(snapshot.Metadata, actual.Snapshot!.Metadata);
            Assert.True(snapshot.Data.Span.SequenceEqual(actual.Snapshot.Data.Span), "snapshot data differs");
        }
    }
}
