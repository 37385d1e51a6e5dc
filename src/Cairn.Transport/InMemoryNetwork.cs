using System.Collections.Concurrent;
using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>
/// A switchboard for <see cref="InMemoryTransport"/>s in one process: delivers messages between the transports it
/// created, with links that tests can cut and heal. Messages are passed by reference (they are immutable). Thread-safe.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly ConcurrentDictionary<NodeId, InMemoryTransport> _nodes = new();
    private readonly ConcurrentDictionary<(NodeId From, NodeId To), bool> _cut = new();

    /// <summary>Creates and registers the transport of <paramref name="id"/>, replacing any earlier one.</summary>
    /// <param name="id">The node.</param>
    /// <param name="receiveQueueCapacity">Messages buffered for the node before the oldest is dropped.</param>
    public InMemoryTransport CreateTransport(NodeId id, int receiveQueueCapacity = 4096)
    {
        var transport = new InMemoryTransport(this, id, receiveQueueCapacity);
        _nodes[id] = transport;
        return transport;
    }

    /// <summary>Cuts or heals the one-way link <paramref name="from"/> → <paramref name="to"/>.</summary>
    public void SetLink(NodeId from, NodeId to, bool connected)
    {
        if (connected)
        {
            _cut.TryRemove((from, to), out _);
        }
        else
        {
            _cut[(from, to)] = true;
        }
    }

    /// <summary>Hands <paramref name="message"/> to its recipient; false when it is unknown, gone or cut off.</summary>
    internal bool Deliver(Message message) =>
        !_cut.ContainsKey((message.From, message.To))
        && _nodes.TryGetValue(message.To, out var target)
        && target.Accept(message);

    /// <summary>Forgets a disposed transport (unless a newer one took its id).</summary>
    internal void Unregister(InMemoryTransport transport) =>
        _nodes.TryRemove(new KeyValuePair<NodeId, InMemoryTransport>(transport.LocalId, transport));
}
