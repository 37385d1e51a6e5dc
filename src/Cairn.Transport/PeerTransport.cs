using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Cairn.Raft;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Transport;

/// <summary>
/// The network <see cref="ITransport"/>: framed messages over TCP, one outbound connection per peer (this node's
/// messages to it) and one inbound connection per peer (its messages to us). Frames are
/// <c>u32 length | u32 CRC32C | payload</c>; see docs/transport.md for the protocol, the limits and the reasons.
/// Thread-safe. Create with <see cref="Start"/>; stop with <see cref="DisposeAsync"/>, which closes every socket.
/// </summary>
public sealed partial class PeerTransport : ITransport
{
    private readonly PeerTransportOptions _options;
    private readonly ILogger _logger;
    private readonly Socket _listener;
    private readonly Channel<Message> _received;
    private readonly ConcurrentDictionary<NodeId, PeerSender> _peers = new();
    private readonly Lock _peersLock = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly TransportCounters _counters = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _helloFrame;
    private readonly Task _acceptLoop;
    private int _disposed;

    private PeerTransport(PeerTransportOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        // Synchronous continuations: the consumer waiting for a message (the node's pump) runs on the reading thread
        // instead of being queued to the thread pool, one thread hop less on every message's way to the Raft loop.
        _received = Channel.CreateBounded<Message>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = true,
        });
        var hello = new Hello(options.LocalId, options.ClusterId);
        var writer = new ArrayBufferWriter<byte>();
        Frame.Write(writer, FrameKind.Hello, hello, hello.Size, static (h, span) => Hello.Write(h, span));
        _helloFrame = writer.WrittenSpan.ToArray();

        _listener = new Socket(options.ListenEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(options.ListenEndPoint);
            _listener.Listen(512);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        TransportLog.Listening(_logger, options.LocalId, LocalEndPoint);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>
    /// Validates <paramref name="options"/>, binds the listener and starts accepting peers. The options object must not
    /// be changed afterwards.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="SocketException">The endpoint cannot be bound.</exception>
    public static PeerTransport Start(PeerTransportOptions options, ILogger<PeerTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new PeerTransport(options, (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <summary>The bound listening endpoint (with the real port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <inheritdoc/>
    public NodeId LocalId => _options.LocalId;

    /// <inheritdoc/>
    public ChannelReader<Message> Received => _received.Reader;

    /// <summary>
    /// Queues <paramref name="message"/> for its recipient. When that peer's queue is full the oldest queued message is
    /// dropped (and counted): the newest messages carry the latest term and commit index, and Raft resends the rest.
    /// False (and dropped) when <see cref="Message.From"/> is not <see cref="LocalId"/>: the receiver would close the
    /// connection over it.
    /// </summary>
    public bool Send(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref _disposed) == 0 && message.From == _options.LocalId
            && _peers.TryGetValue(message.To, out var peer) && peer.Enqueue(message))
        {
            return true;
        }

        Interlocked.Increment(ref _counters.MessagesDropped);
        return false;
    }

    /// <inheritdoc/>
    public void AddPeer(NodeId id, EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (id.IsNone || id == _options.LocalId)
        {
            throw new ArgumentException($"{id} cannot be a peer of {_options.LocalId}", nameof(id));
        }

        lock (_peersLock)
        {
            if (_peers.TryGetValue(id, out var old))
            {
                if (old.EndPoint.Equals(endPoint))
                {
                    return;
                }

                StopInBackground(old);
            }

            _peers[id] = new PeerSender(_options, id, endPoint, _counters, _logger, _helloFrame);
        }
    }

    /// <inheritdoc/>
    public bool RemovePeer(NodeId id)
    {
        lock (_peersLock)
        {
            if (!_peers.TryRemove(id, out var sender))
            {
                return false;
            }

            StopInBackground(sender);
            return true;
        }
    }

    /// <summary>Messages waiting in the queue to <paramref name="id"/>; zero for an unknown peer.</summary>
    public int GetQueueLength(NodeId id) => _peers.TryGetValue(id, out var peer) ? peer.QueueLength : 0;

    /// <summary>The counters since start.</summary>
    public TransportStatistics GetStatistics() => _counters.Snapshot();

    /// <summary>
    /// Stops listening, stops every peer loop (dropping queued messages), closes every inbound and outbound socket, waits
    /// for all of it, then completes <see cref="Received"/>. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var id in _peers.Keys)
        {
            RemovePeer(id);
        }

        while (!_background.IsEmpty)
        {
            await Task.WhenAll(_background.Keys).ConfigureAwait(false);
        }

        _received.Writer.TryComplete();
        _stop.Dispose();
    }

    private void StopInBackground(PeerSender sender) => Track(sender.DisposeAsync().AsTask());

    private void Track(Task task)
    {
        _background.TryAdd(task, 0);
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
