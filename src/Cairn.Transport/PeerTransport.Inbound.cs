using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Cairn.Raft;

namespace Cairn.Transport;

/// <summary>The listening half: accepting peers, the handshake, and reading their frames.</summary>
public sealed partial class PeerTransport
{
    private const int MaxHelloPayloadBytes = 1024;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection that failed between SYN and accept, or a momentary descriptor shortage: keep listening.
                continue;
            }

            socket.NoDelay = true;
            Track(Task.Run(() => ServeInboundAsync(socket)));
        }
    }

    private async Task ServeInboundAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint;
        var peer = NodeId.None;
        Interlocked.Increment(ref _counters.InboundConnectionsOpen);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            var hello = await HandshakeAsync(reader, stream, remote).ConfigureAwait(false);
            if (hello is null)
            {
                return;
            }

            peer = hello.Value.NodeId;
            await ReadMessagesAsync(reader, peer).ConfigureAwait(false);
            TransportLog.InboundClosed(_logger, peer, remote, null);
        }
        catch (MessageFormatException e)
        {
            // Too large, CRC mismatch or malformed: nothing more from this connection can be trusted.
            Interlocked.Increment(ref _counters.ProtocolErrors);
            TransportLog.ProtocolError(_logger, peer, remote, e.Message);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            TransportLog.InboundClosed(_logger, peer, remote, e);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _counters.InboundConnectionsOpen);
        }
    }

    /// <summary>Reads and checks the peer's hello and answers with ours; null when the connection was refused.</summary>
    private async Task<Hello?> HandshakeAsync(PipeReader reader, NetworkStream stream, EndPoint? remote)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
        string? reason;
        Hello hello = default;
        try
        {
            hello = await ReadHelloAsync(reader, linked.Token).ConfigureAwait(false);
            reason = hello.ClusterId != _options.ClusterId ? $"cluster '{hello.ClusterId}' is not '{_options.ClusterId}'"
                : hello.NodeId.IsNone || hello.NodeId == _options.LocalId ? $"node id {hello.NodeId} is not a peer's"
                : null;
        }
        catch (Exception e) when (!_stop.IsCancellationRequested && e is MessageFormatException or IOException or SocketException or OperationCanceledException)
        {
            reason = e is OperationCanceledException ? "no hello within the handshake timeout" : e.Message;
        }

        if (reason is not null)
        {
            Interlocked.Increment(ref _counters.HandshakesRejected);
            TransportLog.HandshakeRejected(_logger, remote, reason);
            return null;
        }

        await stream.WriteAsync(_helloFrame, linked.Token).ConfigureAwait(false);
        return hello;
    }

    private static async Task<Hello> ReadHelloAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (Frame.TryRead(ref buffer, MaxHelloPayloadBytes, out var payload))
            {
                var bytes = payload.ToArray();
                reader.AdvanceTo(buffer.Start);
                if (bytes[0] != (byte)FrameKind.Hello)
                {
                    throw new MessageFormatException($"first frame is of kind {bytes[0]}, not a hello");
                }

                return Hello.Read(bytes.AsSpan(1));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("connection closed before the hello");
            }
        }
    }

    private async Task ReadMessagesAsync(PipeReader reader, NodeId peer)
    {
        var assembler = new SnapshotAssembler();
        var maxPayloadBytes = _options.MaxMessageBytes + 1;
        while (true)
        {
            var result = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (Frame.TryRead(ref buffer, maxPayloadBytes, out var payload))
                {
                    if (Decode(payload, peer, assembler) is { } message)
                    {
                        await _received.Writer.WriteAsync(message, _stop.Token).ConfigureAwait(false);
                        Interlocked.Increment(ref _counters.MessagesReceived);
                    }
                }
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Decodes one frame payload: a message, a completed snapshot, or null for a snapshot chunk in progress.</summary>
    private Message? Decode(ReadOnlySequence<byte> payload, NodeId peer, SnapshotAssembler assembler)
    {
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> span;
            if (payload.IsSingleSegment)
            {
                span = payload.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
                payload.CopyTo(rented);
                span = rented.AsSpan(0, (int)payload.Length);
            }

            var message = (FrameKind)span[0] switch
            {
                FrameKind.Message => DecodeMessage(span[1..]),
                FrameKind.SnapshotChunk => assembler.Add(SnapshotChunk.Read(span[1..], _options.MaxSnapshotBytes)),
                _ => throw new MessageFormatException($"unexpected frame kind {span[0]}"),
            };
            if (message is null)
            {
                return null;
            }

            if (message.From != peer || message.To != _options.LocalId)
            {
                throw new MessageFormatException($"message {message.From}->{message.To} on the connection from {peer} to {_options.LocalId}");
            }

            if (message.Type == MessageType.InstallSnapshot && (FrameKind)span[0] == FrameKind.SnapshotChunk)
            {
                Interlocked.Increment(ref _counters.SnapshotsReceived);
            }

            return message;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static Message DecodeMessage(ReadOnlySpan<byte> body)
    {
        if (!MessageCodec.TryRead(body, out var message, out var consumed) || consumed != body.Length)
        {
            throw new MessageFormatException("a message frame must hold exactly one whole message");
        }

        return message;
    }
}
