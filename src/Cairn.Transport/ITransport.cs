using System.Net;
using System.Threading.Channels;
using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>
/// How the node runtime exchanges Raft messages with its peers. Delivery is best effort — messages may be lost,
/// never corrupted, and arrive in send order per peer while a connection lasts — which is all Raft needs: the core
/// retries what matters. All members are thread-safe.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>This node's id, stamped in the handshake.</summary>
    NodeId LocalId { get; }

    /// <summary>
    /// Messages from peers, in arrival order per connection. Bounded: when the consumer falls behind, the transport
    /// stops reading from the network (TCP back-pressure) rather than buffering without limit.
    /// </summary>
    ChannelReader<Message> Received { get; }

    /// <summary>
    /// Queues <paramref name="message"/> for <see cref="Message.To"/> and returns at once, never blocking on the network.
    /// False when the recipient is not a known peer, the message is over the limits, or the transport is disposed; the
    /// message is then dropped. A full queue drops its oldest message to make room (see the implementation).
    /// </summary>
    bool Send(Message message);

    /// <summary>Adds a peer, or moves it to a new address. Connects lazily and keeps reconnecting until removed.</summary>
    void AddPeer(NodeId id, EndPoint endPoint);

    /// <summary>Forgets a peer, dropping its queued messages and closing its connection. False when it was unknown.</summary>
    bool RemovePeer(NodeId id);
}
