namespace Cairn.Simulation;

/// <summary>A request a client has invoked and not yet seen answered; retries resend the same <see cref="Command"/>, except
/// that a lease grant or keep-alive is stamped afresh with the clock of the node that proposes each attempt.</summary>
/// <param name="HistoryId">Its id in the linearizability history (KV operations on the checked keys), or 0.</param>
/// <param name="Kind">What it does.</param>
/// <param name="Key">The key, for KV requests.</param>
/// <param name="Value">The value written (unique in the run), for writes.</param>
/// <param name="Expected">The value a compare-and-swap expects; null expects the key to be absent.</param>
/// <param name="ExpectedVersion">The version a version compare-and-swap expects; 0 expects the key to be absent.</param>
/// <param name="SessionId">The session it was sent in (0 for none).</param>
/// <param name="Sequence">Its sequence number in that session (0 for none); retries reuse it.</param>
/// <param name="LeaseId">The lease it acts on or attaches to, or 0.</param>
/// <param name="TtlMs">The TTL a grant asks for.</param>
/// <param name="Invoked">The tick the client first sent it.</param>
/// <param name="Command">The encoded command, identical on every retry (a lease grant or keep-alive unstamped: each
/// attempt is stamped when proposed); null for a Get read by ReadIndex rather than through the log.</param>
internal sealed record PendingOperation(
    int HistoryId,
    ClientRequestKind Kind,
    string Key,
    string? Value,
    string? Expected,
    ulong ExpectedVersion,
    ulong SessionId,
    ulong Sequence,
    ulong LeaseId,
    ulong TtlMs,
    long Invoked,
    byte[]? Command);
