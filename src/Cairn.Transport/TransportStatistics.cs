namespace Cairn.Transport;

/// <summary>Counters of a <see cref="PeerTransport"/> since it started; a snapshot, read without locks.</summary>
/// <param name="MessagesSent">Messages written to a socket (snapshot transfers count once).</param>
/// <param name="MessagesReceived">Messages delivered to <see cref="ITransport.Received"/>.</param>
/// <param name="MessagesDropped">Messages dropped before sending: queue overflow, unknown peer, over the limits.</param>
/// <param name="BatchesWritten">Socket writes; <see cref="MessagesSent"/> divided by this is the batching factor.</param>
/// <param name="OutboundConnections">Outbound connections that completed the handshake.</param>
/// <param name="InboundConnectionsOpen">Inbound connections open now.</param>
/// <param name="HandshakesRejected">Inbound connections refused at the handshake (wrong cluster, bad id, malformed).</param>
/// <param name="ProtocolErrors">Inbound connections closed for a bad frame: too large, CRC mismatch, malformed.</param>
/// <param name="SnapshotsReceived">Chunked snapshots reassembled and delivered.</param>
public readonly record struct TransportStatistics(
    long MessagesSent,
    long MessagesReceived,
    long MessagesDropped,
    long BatchesWritten,
    long OutboundConnections,
    long InboundConnectionsOpen,
    long HandshakesRejected,
    long ProtocolErrors,
    long SnapshotsReceived);
