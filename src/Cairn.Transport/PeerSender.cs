using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Cairn.Primitives;
using Cairn.Raft;
using Microsoft.Extensions.Logging;

namespace Cairn.Transport;

/// <summary>
/// The one outbound connection to one peer: a bounded queue, a loop that connects, shakes hands, and writes queued
/// messages in batches, and reconnects with capped, jittered backoff when anything fails. Messages in a failed write
/// are lost; Raft retransmits what matters.
/// </summary>
internal sealed class PeerSender : IAsyncDisposable
{
    private const int MaxHelloFrameBytes = 1024;

    private readonly PeerTransportOptions _options;
    private readonly NodeId _peerId;
    private readonly EndPoint _endPoint;
    private readonly TransportCounters _counters;
    private readonly ILogger _logger;
    private readonly ReadOnlyMemory<byte> _helloFrame;
    private readonly Channel<Message> _queue;
    private readonly ReconnectBackoff _backoff;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    // The batch buffer is reused across writes; it is replaced when one huge message has grown it far past a batch.
    private ArrayBufferWriter<byte> _batch;

    // The snapshot being streamed, one chunk per batch; null when none. Owned by the loop.
    private SnapshotTransfer? _transfer;
    private ulong _lastTransferId;

    public PeerSender(PeerTransportOptions options, NodeId peerId, EndPoint endPoint, TransportCounters counters, ILogger logger, ReadOnlyMemory<byte> helloFrame)
    {
        _options = options;
        _peerId = peerId;
        _endPoint = endPoint;
        _counters = counters;
        _logger = logger;
        _helloFrame = helloFrame;
        _batch = new ArrayBufferWriter<byte>(options.MaxBatchBytes);
        _backoff = new ReconnectBackoff(options.ReconnectBaseDelay, options.ReconnectMaxDelay, options.RandomSeed ^ (peerId.Value * 0x9E3779B97F4A7C15UL));

        // Drop-oldest: under a dead or slow peer the queue keeps the newest messages, which carry the latest term,
        // commit index and read-index round; the oldest are the stalest and Raft resends whatever it still needs.
        // Synchronous continuations: an idle write loop resumes on the enqueuing thread (the node's event loop) and
        // writes the batch to the socket there, so an append is on the wire before the leader starts its own fsync,
        // instead of waiting for a thread-pool worker. The write loop hands the thread back at its first await that
        // does not complete at once (a full socket buffer, or an empty queue).
        _queue = Channel.CreateBounded<Message>(
            new BoundedChannelOptions(options.SendQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = true,
            },
            _ => Interlocked.Increment(ref _counters.MessagesDropped));
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The peer's address.</summary>
    public EndPoint EndPoint => _endPoint;

    /// <summary>Messages waiting to be sent.</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <summary>Queues a message; never blocks. False once the sender is stopping.</summary>
    public bool Enqueue(Message message) => _queue.Writer.TryWrite(message);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            Exception failure;
            try
            {
                if (await RunConnectionAsync(() => attempt = 0).ConfigureAwait(false))
                {
                    return;
                }

                failure = new IOException("the peer closed the connection");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure of one connection is logged and retried; the loop must outlive it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }

            var delay = _backoff.Next(attempt++);
            TransportLog.ConnectionFailed(_logger, _peerId, _endPoint, delay, failure);
            try
            {
                await Task.Delay(delay, _options.TimeProvider, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One connection's life. True when the queue was completed (the peer was removed).</summary>
    private async Task<bool> RunConnectionAsync(Action onHandshake)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var stream = await ConnectAsync(socket).ConfigureAwait(false);
        await using var streamScope = stream.ConfigureAwait(false);
        onHandshake();
        Interlocked.Increment(ref _counters.OutboundConnections);
        TransportLog.Connected(_logger, _peerId, _endPoint);

        // A connection restarts any snapshot transfer from its first byte: the receiver's reassembly is per connection.
        if (_transfer is { } transfer)
        {
            _transfer = transfer with { Id = ++_lastTransferId, Offset = 0 };
        }

        // The listener never writes after its hello, so any read completing means the peer closed or broke the
        // connection; cancelling the writer then notices a dead peer before the next write would.
        var watcher = WatchForCloseAsync(stream, connection);
        try
        {
            return await WriteLoopAsync(stream, connection.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            CloseQuietly(socket);
            await watcher.ConfigureAwait(false);
        }
    }

    private async Task<NetworkStream> ConnectAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
        await socket.ConnectAsync(_endPoint, linked.Token).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            await stream.WriteAsync(_helloFrame, linked.Token).ConfigureAwait(false);
            var reply = await ReadHelloAsync(stream, linked.Token).ConfigureAwait(false);
            if (reply.ClusterId != _options.ClusterId || reply.NodeId != _peerId)
            {
                throw new MessageFormatException($"expected {_peerId} of cluster '{_options.ClusterId}', found {reply.NodeId} of '{reply.ClusterId}'");
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<Hello> ReadHelloAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[TransportLimits.FrameHeaderBytes];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length is < 2 or > MaxHelloFrameBytes)
        {
            throw new MessageFormatException($"hello frame of {length} bytes");
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)) || payload[0] != (byte)FrameKind.Hello)
        {
            throw new MessageFormatException("the peer did not answer with a valid hello");
        }

        return Hello.Read(payload.AsSpan(1));
    }

    private static async Task WatchForCloseAsync(NetworkStream stream, CancellationTokenSource connection)
    {
        try
        {
            await stream.ReadAsync(new byte[1], connection.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever ended the read, the connection is over.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        try
        {
            await connection.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task<bool> WriteLoopAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        while (true)
        {
            _batch.ResetWrittenCount();
            var count = 0;
            while (_batch.WrittenCount < _options.MaxBatchBytes && reader.TryRead(out var message))
            {
                count += AddToBatch(message);
            }

            // One chunk per batch: a heartbeat queued behind a snapshot waits for at most one chunk's write. Streaming
            // a snapshot is bulk work: leave the enqueuing thread (the event loop) first, if still on it.
            if (_transfer is not null)
            {
                await Task.Yield();
                count += AddNextChunk();
            }

            if (_batch.WrittenCount > 0)
            {
                await stream.WriteAsync(_batch.WrittenMemory, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _counters.MessagesSent, count);
                Interlocked.Increment(ref _counters.BatchesWritten);
                if (_batch.Capacity > 4 * _options.MaxBatchBytes)
                {
                    _batch = new ArrayBufferWriter<byte>(_options.MaxBatchBytes);
                }

                continue;
            }

            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }
    }

    /// <summary>Encodes one queued message into the batch (or starts a snapshot transfer); the count of messages added.</summary>
    private int AddToBatch(Message message)
    {
        if (message is { Type: MessageType.InstallSnapshot, Snapshot: { } snapshot } && snapshot.Data.Length > _options.SnapshotChunkBytes)
        {
            if (snapshot.Data.Length > _options.MaxSnapshotBytes)
            {
                Drop(message, "snapshot over MaxSnapshotBytes");
                return 0;
            }

            // A newer snapshot replaces one still streaming: the receiver abandons the old transfer on the new id.
            _transfer = new SnapshotTransfer(message, ++_lastTransferId, 0);
            return 0;
        }

        var size = MessageCodec.GetEncodedSize(message);
        if (size > _options.MaxMessageBytes || !MessageCodec.IsWithinLimits(message))
        {
            Drop(message, $"{size} bytes or {message.Entries.Count} entries over the limits");
            return 0;
        }

        Frame.Write(_batch, FrameKind.Message, message, (int)size, static (m, span) => MessageCodec.WriteUnchecked(m, span));
        return 1;
    }

    private int AddNextChunk()
    {
        var transfer = _transfer!;
        var data = transfer.Message.Snapshot!.Data;
        var length = (int)Math.Min(_options.SnapshotChunkBytes, data.Length - transfer.Offset);
        var last = transfer.Offset + length == data.Length;
        var header = last ? transfer.Message with { Snapshot = transfer.Message.Snapshot with { Data = ReadOnlyMemory<byte>.Empty } } : null;
        var chunk = new SnapshotChunk(transfer.Id, data.Length, transfer.Offset, data.Slice((int)transfer.Offset, length), header);
        Frame.Write(_batch, FrameKind.SnapshotChunk, chunk, chunk.Size, static (c, span) => SnapshotChunk.Write(c, span));
        _transfer = last ? null : transfer with { Offset = transfer.Offset + length };
        return last ? 1 : 0;
    }

    private static void CloseQuietly(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: closing is all that is left.
        }

        socket.Close();
    }

    private void Drop(Message message, string reason)
    {
        Interlocked.Increment(ref _counters.MessagesDropped);
        TransportLog.Dropped(_logger, message.Type.ToString(), _peerId, reason);
    }
}
