namespace Cairn.Transport;

/// <summary>The live counters behind <see cref="TransportStatistics"/>; updated with <see cref="Interlocked"/>.</summary>
internal sealed class TransportCounters
{
#pragma warning disable SA1401, CA1051 // Plain fields so that Interlocked can update them by reference.
    public long MessagesSent;
    public long MessagesReceived;
    public long MessagesDropped;
    public long BatchesWritten;
    public long OutboundConnections;
    public long InboundConnectionsOpen;
    public long HandshakesRejected;
    public long ProtocolErrors;
    public long SnapshotsReceived;
#pragma warning restore SA1401, CA1051

    /// <summary>A consistent-enough copy for tests and metrics.</summary>
    public TransportStatistics Snapshot() => new(
        Volatile.Read(ref MessagesSent),
        Volatile.Read(ref MessagesReceived),
        Volatile.Read(ref MessagesDropped),
        Volatile.Read(ref BatchesWritten),
        Volatile.Read(ref OutboundConnections),
        Volatile.Read(ref InboundConnectionsOpen),
        Volatile.Read(ref HandshakesRejected),
        Volatile.Read(ref ProtocolErrors),
        Volatile.Read(ref SnapshotsReceived));
}
