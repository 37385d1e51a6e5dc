using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Cairn.Raft;
using Cairn.TestKit;

namespace Cairn.Transport.Tests;

/// <summary>Helpers for real-socket tests: transports on ephemeral loopback ports, polling with deadlines, raw frames.</summary>
internal static class TestNet
{
    public const string Cluster = "test-cluster";
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static PeerTransport Start(ulong id, Action<PeerTransportOptions>? configure = null, int port = 0)
    {
        var options = new PeerTransportOptions
        {
            LocalId = new NodeId(id),
            ClusterId = Cluster,
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, port),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(5),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
            RandomSeed = id,
        };
        configure?.Invoke(options);
        return PeerTransport.Start(options);
    }

    public static void Connect(PeerTransport a, PeerTransport b)
    {
        a.AddPeer(b.LocalId, b.LocalEndPoint);
        b.AddPeer(a.LocalId, a.LocalEndPoint);
    }

    public static Task UntilAsync(Func<bool> condition, string what) => Poll.UntilAsync(condition, what, Deadline, TimeSpan.FromMilliseconds(5));

    public static async Task<Message> ReceiveAsync(ITransport transport)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        return await transport.Received.ReadAsync(timeout.Token);
    }

    /// <summary>
    /// An endpoint where connections are refused: a socket bound but not listening, held by the caller so that no other
    /// test can take the port meanwhile.
    /// </summary>
    public static Socket DeadEndPoint(out IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        endPoint = (IPEndPoint)socket.LocalEndPoint!;
        return socket;
    }

    public static byte[] HelloFrame(ulong id, string cluster)
    {
        var hello = new Hello(new NodeId(id), cluster);
        var writer = new ArrayBufferWriter<byte>();
        Frame.Write(writer, FrameKind.Hello, hello, hello.Size, static (h, s) => Hello.Write(h, s));
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] MessageFrame(Message message)
    {
        var writer = new ArrayBufferWriter<byte>();
        Frame.Write(writer, FrameKind.Message, message, (int)MessageCodec.GetEncodedSize(message), static (m, s) => MessageCodec.WriteUnchecked(m, s));
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Connects a raw socket and sends <paramref name="bytes"/>.</summary>
    public static async Task<Socket> RawAsync(IPEndPoint endPoint, params byte[][] bytes)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        foreach (var chunk in bytes)
        {
            await socket.SendAsync(chunk);
        }

        return socket;
    }

    /// <summary>True when the other side closes the connection (reads reach end of stream or a reset) before the deadline.</summary>
    public static async Task<bool> ClosedByPeerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
