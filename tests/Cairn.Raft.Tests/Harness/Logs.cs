using System.Text;

namespace Cairn.Raft.Tests.Harness;

/// <summary>Builders for storages holding a chosen log, as the paper's figures draw them.</summary>
internal static class Logs
{
    /// <summary>Storage bootstrapped with voters 1..<paramref name="voters"/> (entries 1..voters at term 1, committed).</summary>
    public static MemoryStorage Bootstrapped(int voters)
    {
        var storage = new MemoryStorage();
        RaftNode.Bootstrap(storage, Ids(voters));
        return storage;
    }

    /// <summary>
    /// A bootstrapped storage followed by one entry per term in <paramref name="terms"/>, from index voters + 1 on, with
    /// the hard state's term at least the last entry's term and the commit index at the bootstrap entries.
    /// </summary>
    public static MemoryStorage With(int voters, ulong[] terms, ulong hardTerm = 0, ulong vote = 0)
    {
        var storage = Bootstrapped(voters);
        var entries = terms.Select((term, i) =>
        {
            var index = (ulong)(voters + i + 1);
            return new Entry(new LogIndex(index), new Term(term), EntryKind.Command, Command($"t{term}i{index}"));
        }).ToArray();
        var term = Math.Max(hardTerm, terms.Length > 0 ? terms.Max() : 1);
        storage.Persist(new HardState(new Term(term), new NodeId(vote), new LogIndex((ulong)voters)), entries, null);
        return storage;
    }

    public static NodeId[] Ids(int count) => [.. Enumerable.Range(1, count).Select(i => new NodeId((ulong)i))];

    public static byte[] Command(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The terms of a storage's entries from <paramref name="from"/> to its last index.</summary>
    public static ulong[] TermsFrom(MemoryStorage storage, ulong from)
    {
        var terms = new List<ulong>();
        for (var i = new LogIndex(from); i <= storage.LastIndex; i = i.Next)
        {
            Assert.True(storage.TryGetTerm(i, out var term));
            terms.Add(term.Value);
        }

        return [.. terms];
    }
}
