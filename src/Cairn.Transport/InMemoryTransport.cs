using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>
/// An <see cref="ITransport"/> for tests: messages go straight into the recipient's bounded queue (the oldest is dropped
/// when it is full), only to peers added with <see cref="AddPeer"/> and only over links the
/// <see cref="InMemoryNetwork"/> has not cut. Endpoints are ignored. Thread-safe.
/// </summary>
public sealed class InMemoryTransport : ITransport
{
    private readonly InMemoryNetwork _network;
    private readonly Channel<Message> _received;
    private readonly ConcurrentDictionary<NodeId, EndPoint> _peers = new();
    private int _disposed;

    internal InMemoryTransport(InMemoryNetwork network, NodeId localId, int receiveQueueCapacity)
    {
        _network = network;
        LocalId = localId;
        _received = Channel.CreateBounded<Message>(new BoundedChannelOptions(receiveQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
        });
    }

    /// <inheritdoc/>
    public NodeId LocalId { get; }

    /// <inheritdoc/>
    public ChannelReader<Message> Received => _received.Reader;

    /// <inheritdoc/>
    public bool Send(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Volatile.Read(ref _disposed) == 0
            && _peers.ContainsKey(message.To)
            && MessageCodec.IsWithinLimits(message)
            && _network.Deliver(message);
    }

    /// <inheritdoc/>
    public void AddPeer(NodeId id, EndPoint endPoint) => _peers[id] = endPoint;

    /// <inheritdoc/>
    public bool RemovePeer(NodeId id) => _peers.TryRemove(id, out _);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _network.Unregister(this);
            _received.Writer.TryComplete();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Takes a delivered message; false once disposed.</summary>
    internal bool Accept(Message message) => Volatile.Read(ref _disposed) == 0 && _received.Writer.TryWrite(message);
}
