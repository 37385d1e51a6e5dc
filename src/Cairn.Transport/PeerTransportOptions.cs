using System.Net;
using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>Settings of a <see cref="PeerTransport"/>; checked by <see cref="Validate"/> when the transport starts.</summary>
public sealed class PeerTransportOptions
{
    /// <summary>This node's id; must not be <see cref="NodeId.None"/>.</summary>
    public NodeId LocalId { get; set; }

    /// <summary>The cluster's id; peers that present another are refused at the handshake. 1 to 128 UTF-8 bytes.</summary>
    public string ClusterId { get; set; } = "";

    /// <summary>Where to listen for peers. Port 0 picks a free port (see <see cref="PeerTransport.LocalEndPoint"/>).</summary>
    public IPEndPoint ListenEndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Messages queued per peer before the oldest is dropped. Default 4,096.</summary>
    public int SendQueueCapacity { get; set; } = 4096;

    /// <summary>Received messages buffered before the transport stops reading from the network. Default 8,192.</summary>
    public int ReceiveQueueCapacity { get; set; } = 8192;

    /// <summary>
    /// Queued messages are gathered into one socket write until this many bytes (a single larger message still goes
    /// alone). Default 256 KiB.
    /// </summary>
    public int MaxBatchBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// The largest message accepted from or sent to a peer; a larger incoming frame closes its connection. Between
    /// 2 MiB and <see cref="TransportLimits.MaxMessageBytes"/> (the default).
    /// </summary>
    public int MaxMessageBytes { get; set; } = TransportLimits.MaxMessageBytes;

    /// <summary>
    /// Snapshot data above this size is sent in chunks of this size, one chunk per batch, so heartbeats queued behind a
    /// snapshot wait for one chunk at most. Between 1 KiB and <see cref="TransportLimits.MaxSnapshotChunkBytes"/> (default).
    /// </summary>
    public int SnapshotChunkBytes { get; set; } = TransportLimits.MaxSnapshotChunkBytes;

    /// <summary>The largest snapshot a peer may send, reassembled in memory. Default 1 GiB; at most <see cref="Array.MaxLength"/>.</summary>
    public long MaxSnapshotBytes { get; set; } = 1L << 30;

    /// <summary>The first reconnect delay's ceiling. Default 50 ms.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The cap on reconnect delays. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a connect plus handshake may take, in both directions. Default 5 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for backoff delays and timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seeds the reconnect jitter (mixed with each peer's id).</summary>
    public ulong RandomSeed { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Check(!LocalId.IsNone, nameof(LocalId), "must not be none");
        var clusterIdBytes = System.Text.Encoding.UTF8.GetByteCount(ClusterId ?? "");
        Check(clusterIdBytes is > 0 and <= TransportLimits.MaxClusterIdBytes, nameof(ClusterId), "must be 1 to 128 UTF-8 bytes");
        Check(ListenEndPoint is not null, nameof(ListenEndPoint), "is required");
        Check(SendQueueCapacity > 0, nameof(SendQueueCapacity), "must be positive");
        Check(ReceiveQueueCapacity > 0, nameof(ReceiveQueueCapacity), "must be positive");
        Check(MaxBatchBytes >= 4096, nameof(MaxBatchBytes), "must be at least 4 KiB");
        Check(MaxMessageBytes is >= 2 * 1024 * 1024 and <= TransportLimits.MaxMessageBytes, nameof(MaxMessageBytes), "must be 2 MiB to 64 MiB");
        Check(SnapshotChunkBytes is >= 1024 and <= TransportLimits.MaxSnapshotChunkBytes, nameof(SnapshotChunkBytes), "must be 1 KiB to 1 MiB");
        Check(MaxSnapshotBytes > 0 && MaxSnapshotBytes <= Array.MaxLength, nameof(MaxSnapshotBytes), "must be positive and fit one array");
        Check(ReconnectBaseDelay > TimeSpan.Zero && ReconnectMaxDelay >= ReconnectBaseDelay, nameof(ReconnectBaseDelay), "must be positive and not above ReconnectMaxDelay");
        Check(HandshakeTimeout > TimeSpan.Zero, nameof(HandshakeTimeout), "must be positive");
        Check(TimeProvider is not null, nameof(TimeProvider), "is required");
    }

    private static void Check(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"{nameof(PeerTransportOptions)}.{name} {rule}", name);
        }
    }
}
