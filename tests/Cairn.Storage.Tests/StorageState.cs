using System.Text;
using Cairn.Raft;

namespace Cairn.Storage.Tests;

/// <summary>Renders everything a reader can observe of an <see cref="IRaftStorage"/>, for exact comparison.</summary>
internal static class StorageState
{
    public static string Describe(IRaftLogReader storage)
    {
        var text = new StringBuilder();
        var snapshot = storage.Snapshot;
        text.Append($"{storage.HardState} first={storage.FirstIndex} last={storage.LastIndex} ");
        text.Append($"snap={snapshot.Metadata.Index}@{snapshot.Metadata.Term} {snapshot.Metadata.Membership} data={Convert.ToHexString(snapshot.Data.Span)}\n");
        for (var i = storage.FirstIndex.Value == 0 ? 0 : storage.FirstIndex.Value - 1; i <= storage.LastIndex.Value + 1; i++)
        {
            var ok = storage.TryGetTerm(new LogIndex(i), out var term);
            text.Append($"term({i})={(ok ? term.ToString() : "-")} ");
        }

        text.Append('\n');
        if (storage.LastIndex >= storage.FirstIndex)
        {
            var entries = new List<Entry>();
            storage.ReadEntries(storage.FirstIndex, storage.LastIndex.Next, long.MaxValue, entries);
            foreach (var e in entries)
            {
                text.Append($"{e.Index}@{e.Term}/{e.Kind}:{Convert.ToHexString(e.Data.Span)}\n");
            }

            // A size-limited read must stop at the same place as the model's.
            var limited = new List<Entry>();
            storage.ReadEntries(storage.FirstIndex, storage.LastIndex.Next, 300, limited);
            text.Append($"limited={limited.Count}\n");
        }

        return text.ToString();
    }
}
