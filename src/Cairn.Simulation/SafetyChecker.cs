using System.IO.Hashing;
using Cairn.Raft;

namespace Cairn.Simulation;

/// <summary>
/// Raft's safety properties (paper Figure 3), checked as the run goes: election safety, log matching, leader
/// completeness, state machine safety, committed entries never lost, and monotonic commit and apply per node life.
/// Violations are collected, not thrown, so a run reports all it finds.
/// </summary>
internal sealed class SafetyChecker
{
    private readonly Dictionary<Term, NodeId> _leaderOfTerm = [];
    private readonly Dictionary<(LogIndex, Term), (ulong Hash, Term PreviousTerm)> _persisted = [];
    // For each committed index: the entry, and the lowest term any node was in when it saw the entry committed — an
    // upper bound of the term in which it was committed.
    private readonly Dictionary<LogIndex, (Term Term, ulong Hash, Term SeenInTerm)> _committed = [];
    private readonly Dictionary<LogIndex, (Term Term, ulong Hash)> _applied = [];
    private readonly List<Entry> _scratch = [];

    public List<string> Violations { get; } = [];

    public LogIndex HighestCommitted { get; private set; }

    public int Elections => _leaderOfTerm.Count;

    public Term HighestLeaderTerm { get; private set; }

    /// <summary>Election safety: at most one leader per term. Leader completeness: it holds every committed entry.</summary>
    public void OnLeader(long tick, SimulatedNode node)
    {
        var core = node.Core!;
        if (_leaderOfTerm.TryGetValue(core.Term, out var other) && other != node.Id)
        {
            Fail(tick, $"election safety: {other} and {node.Id} both lead {core.Term}");
        }

        _leaderOfTerm[core.Term] = node.Id;
        HighestLeaderTerm = Term.Max(HighestLeaderTerm, core.Term);
        foreach (var (index, committed) in _committed)
        {
            // Only entries committed in an earlier term must be there (paper §5.4.3): a leader elected late, say
            // after a pause, legitimately lacks what later terms committed.
            if (index <= node.Disk.Snapshot.Metadata.Index || committed.SeenInTerm >= core.Term)
            {
                continue;
            }

            if (!node.Disk.TryGetTerm(index, out var term) || term != committed.Term)
            {
                Fail(tick, $"leader completeness: new leader {node.Id} of {core.Term} lacks committed entry {index}@{committed.Term}");
                return;
            }
        }
    }

    /// <summary>Log matching: two entries with the same index and term hold the same command and follow the same term.</summary>
    public void OnPersisted(long tick, SimulatedNode node, IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            node.Disk.TryGetTerm(entry.Index.Previous, out var previousTerm);
            var fingerprint = (Hash(entry), previousTerm);
            if (_persisted.TryGetValue((entry.Index, entry.Term), out var seen) && seen != fingerprint)
            {
                Fail(tick, $"log matching: {node.Id} holds a different entry at {entry.Index}@{entry.Term}");
            }

            _persisted[(entry.Index, entry.Term)] = fingerprint;
        }
    }

    /// <summary>
    /// Records the entries a node now counts as committed; a different entry at a committed index, or a commit index
    /// that goes back within one life of a node, is a violation.
    /// </summary>
    public void OnCommitted(long tick, SimulatedNode node)
    {
        var commit = node.Core!.Commit;
        if (commit < node.HighestCommit)
        {
            Fail(tick, $"commit index of {node.Id} went back from {node.HighestCommit} to {commit}");
        }

        var from = LogIndex.Max(node.HighestCommit, node.Disk.Snapshot.Metadata.Index).Next;
        node.HighestCommit = LogIndex.Max(node.HighestCommit, commit);
        if (from > commit || commit > node.Disk.LastIndex)
        {
            return;
        }

        _scratch.Clear();
        node.Disk.ReadEntries(from, commit.Next, long.MaxValue, _scratch);
        foreach (var entry in _scratch)
        {
            var hash = Hash(entry);
            var seenInTerm = node.Core.Term;
            if (_committed.TryGetValue(entry.Index, out var seen))
            {
                if (seen.Term != entry.Term || seen.Hash != hash)
                {
                    Fail(tick, $"committed entry lost: {node.Id} committed {entry.Index}@{entry.Term} where {entry.Index}@{seen.Term} was committed");
                }

                seenInTerm = Term.Min(seenInTerm, seen.SeenInTerm);
            }

            _committed[entry.Index] = (entry.Term, hash, seenInTerm);
            HighestCommitted = LogIndex.Max(HighestCommitted, entry.Index);
        }
    }

    /// <summary>State machine safety: every node applies the same entry at each index, and applies indexes in order.</summary>
    public void OnApplied(long tick, SimulatedNode node, LogIndex previous, Entry entry)
    {
        if (entry.Index != previous.Next)
        {
            Fail(tick, $"apply order: {node.Id} applied {entry.Index} after {previous}");
        }

        var record = (entry.Term, Hash(entry));
        if (_applied.TryGetValue(entry.Index, out var seen) && seen != record)
        {
            Fail(tick, $"state machine safety: {node.Id} applied {entry.Index}@{entry.Term}, another node applied {entry.Index}@{seen.Term}");
        }

        _applied[entry.Index] = record;
    }

    public void Fail(long tick, string violation) => Violations.Add($"tick {tick}: {violation}");

    private static ulong Hash(Entry entry) => XxHash3.HashToUInt64(entry.Data.Span, (long)entry.Kind);
}
