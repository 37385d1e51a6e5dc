using Cairn.Raft;
using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation;

/// <summary>A client with at most one operation outstanding, which it retries (same sequence number) until answered.</summary>
internal sealed class SimulatedClient(int id)
{
    public int Id { get; } = id;

    public long NextSequence { get; set; } = 1;

    public PendingOperation? Current { get; set; }

    /// <summary>The node the client believes leads (or last talked to).</summary>
    public NodeId Target { get; set; }

    public int TargetIncarnation { get; set; }

    public bool Submitted { get; set; }

    public long SentAt { get; set; }

    /// <summary>The client thinks until this tick before its next operation (and keeps its connection meanwhile).</summary>
    public long IdleUntil { get; set; }

    /// <summary>Numbers the attempts, so a late answer to an abandoned attempt is recognised and ignored.</summary>
    public int Attempt { get; set; }

    /// <summary>Values this client last saw per key, to make compare-and-swap succeed now and then.</summary>
    public Dictionary<string, string?> LastSeen { get; } = new(StringComparer.Ordinal);
}

/// <summary>An operation a client has invoked and not yet seen answered.</summary>
internal sealed record PendingOperation(int HistoryId, KvOperationKind Kind, string Key, string? Value, string? Expected, long Sequence, long Invoked);
