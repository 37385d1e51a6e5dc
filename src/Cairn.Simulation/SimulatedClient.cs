using Cairn.Raft;

namespace Cairn.Simulation;

/// <summary>
/// A client with at most one request outstanding, which it retries (same session and sequence number) until answered.
/// It holds a client session, and now and then a lease that it keeps alive or lets expire.
/// </summary>
internal sealed class SimulatedClient(int id)
{
    public int Id { get; } = id;

    /// <summary>The client's session; 0 until registered, and again after the session expired.</summary>
    public ulong SessionId { get; set; }

    /// <summary>The next sequence number in the session (1 after registering).</summary>
    public ulong NextSequence { get; set; } = 1;

    public PendingOperation? Current { get; set; }

    /// <summary>The node the client believes leads (or last talked to).</summary>
    public NodeId Target { get; set; }

    public int TargetIncarnation { get; set; }

    public bool Submitted { get; set; }

    public long SentAt { get; set; }

    /// <summary>The client thinks until this tick before its next operation (and keeps its connection meanwhile).</summary>
    public long IdleUntil { get; set; }

    /// <summary>Whether the client is back from thinking (its next request is chosen with that in mind).</summary>
    public bool Thought { get; set; }

    /// <summary>Numbers the attempts, so a late answer to an abandoned attempt is recognised and ignored.</summary>
    public int Attempt { get; set; }

    /// <summary>Values this client last saw per key, to make compare-and-swap succeed now and then.</summary>
    public Dictionary<string, string?> LastSeen { get; } = new(StringComparer.Ordinal);

    /// <summary>Versions this client last saw per key, for version compare-and-swap.</summary>
    public Dictionary<string, ulong> LastSeenVersion { get; } = new(StringComparer.Ordinal);

    /// <summary>The client's lease, or 0.</summary>
    public ulong LeaseId { get; set; }

    /// <summary>The lease's TTL in milliseconds.</summary>
    public ulong LeaseTtlMs { get; set; }

    /// <summary>Whether the client renews its lease (otherwise it lets it expire).</summary>
    public bool KeepsLeaseAlive { get; set; }

    /// <summary>The tick of the next renewal, when the client keeps its lease alive.</summary>
    public long NextKeepAliveAt { get; set; }
}
