using System.Net;
using System.Net.Sockets;
using Cairn.Raft;

namespace Cairn.Transport.Tests;

/// <summary>Real sockets on 127.0.0.1 with ephemeral ports; every wait is a poll with a deadline.</summary>
public sealed class PeerTransportTests
{
    private static readonly NodeId _node1 = new(1);
    private static readonly NodeId _node2 = new(2);

    [Fact]
    public async Task Messages_round_trip_between_two_transports()
    {
        await using var a = TestNet.Start(1);
        await using var b = TestNet.Start(2);
        TestNet.Connect(a, b);

        var append = TestMessages.Append(_node1, _node2, 7, payloadBytes: 300);
        Assert.True(a.Send(append));
        TestMessages.AssertSame(append, await TestNet.ReceiveAsync(b));

        var response = new Message { Type = MessageType.AppendResponse, From = _node2, To = _node1, Term = new Term(3), Index = new LogIndex(8) };
        Assert.True(b.Send(response));
        TestMessages.AssertSame(response, await TestNet.ReceiveAsync(a));
    }

    [Fact]
    public async Task Ten_thousand_pipelined_messages_arrive_in_order_in_batches()
    {
        await using var a = TestNet.Start(1, o => o.SendQueueCapacity = 16_384);
        // Queued while the peer's port refuses connections, so that the sender finds all of them waiting when it gets
        // through: whether it batches must not depend on how fast this loop runs against the connection's handshake.
        IPEndPoint endPoint;
        using (TestNet.DeadEndPoint(out endPoint))
        {
            a.AddPeer(_node2, endPoint);
            for (ulong i = 0; i < 10_000; i++)
            {
                Assert.True(a.Send(TestMessages.Append(_node1, _node2, i)));
            }
        }

        await using var b = TestNet.Start(2, port: endPoint.Port);
        b.AddPeer(_node1, a.LocalEndPoint);

        for (ulong i = 0; i < 10_000; i++)
        {
            var message = await TestNet.ReceiveAsync(b);
            Assert.Equal(new LogIndex(i), message.Index);
        }

        var stats = a.GetStatistics();
        Assert.Equal(10_000, stats.MessagesSent);
        Assert.Equal(0, stats.MessagesDropped);
        Assert.True(stats.BatchesWritten < stats.MessagesSent / 2, $"{stats.BatchesWritten} writes for {stats.MessagesSent} messages");
    }

    [Fact]
    public async Task The_sender_reconnects_after_the_peer_restarts_on_the_same_port()
    {
        await using var a = TestNet.Start(1);
        var b = TestNet.Start(2);
        var port = b.LocalEndPoint.Port;
        a.AddPeer(_node2, b.LocalEndPoint);
        a.Send(TestMessages.Heartbeat(_node1, _node2, 1));
        Assert.Equal(1ul, (await TestNet.ReceiveAsync(b)).Context);
        await b.DisposeAsync();

        await using var restarted = TestNet.Start(2, port: port);
        ulong context = 100;
        await TestNet.UntilAsync(
            () =>
            {
                // Messages written into the dead connection are lost, as Raft allows; keep sending until one arrives.
                a.Send(TestMessages.Heartbeat(_node1, _node2, context++));
                return restarted.Received.TryRead(out _);
            },
            "a message through the new connection");
        Assert.True(a.GetStatistics().OutboundConnections >= 2);
    }

    [Fact]
    public async Task An_oversized_frame_closes_its_connection_and_the_transport_keeps_serving()
    {
        await using var a = TestNet.Start(1, o => o.MaxMessageBytes = 2 * 1024 * 1024);
        using var raw = await TestNet.RawAsync(a.LocalEndPoint, TestNet.HelloFrame(9, TestNet.Cluster), [0, 0, 0x40, 0, 0, 0, 0, 0]);
        Assert.True(await TestNet.ClosedByPeerAsync(raw), "the 4 MiB frame header should close the connection without its payload");
        Assert.Equal(1, a.GetStatistics().ProtocolErrors);

        await using var b = TestNet.Start(2);
        b.AddPeer(_node1, a.LocalEndPoint);
        b.Send(TestMessages.Heartbeat(_node2, _node1, 5));
        Assert.Equal(5ul, (await TestNet.ReceiveAsync(a)).Context);
    }

    [Fact]
    public async Task A_corrupted_crc_closes_the_connection()
    {
        await using var a = TestNet.Start(1);
        var frame = TestNet.MessageFrame(TestMessages.Heartbeat(new NodeId(9), _node1, 1));
        frame[5] ^= 0x01;
        using var raw = await TestNet.RawAsync(a.LocalEndPoint, TestNet.HelloFrame(9, TestNet.Cluster), frame);
        Assert.True(await TestNet.ClosedByPeerAsync(raw));
        Assert.Equal(1, a.GetStatistics().ProtocolErrors);
        Assert.False(a.Received.TryRead(out _));
    }

    [Fact]
    public async Task A_message_claiming_another_sender_closes_the_connection()
    {
        await using var a = TestNet.Start(1);
        var spoofed = TestNet.MessageFrame(TestMessages.Heartbeat(new NodeId(3), _node1, 1));
        using var raw = await TestNet.RawAsync(a.LocalEndPoint, TestNet.HelloFrame(9, TestNet.Cluster), spoofed);
        Assert.True(await TestNet.ClosedByPeerAsync(raw));
        Assert.False(a.Received.TryRead(out _));
    }

    [Fact]
    public async Task A_handshake_with_the_wrong_cluster_id_is_rejected()
    {
        await using var a = TestNet.Start(1);
        await using var stranger = TestNet.Start(2, o => o.ClusterId = "other-cluster");
        stranger.AddPeer(_node1, a.LocalEndPoint);
        stranger.Send(TestMessages.Heartbeat(_node2, _node1, 1));
        await TestNet.UntilAsync(() => a.GetStatistics().HandshakesRejected >= 2, "repeated rejections of the stranger");
        Assert.Equal(0, stranger.GetStatistics().OutboundConnections);
        Assert.False(a.Received.TryRead(out _));

        using var raw = await TestNet.RawAsync(a.LocalEndPoint, TestNet.HelloFrame(9, "other-cluster"));
        Assert.True(await TestNet.ClosedByPeerAsync(raw));
    }

    [Fact]
    public async Task A_connection_that_does_not_say_hello_is_dropped_after_the_handshake_timeout()
    {
        await using var a = TestNet.Start(1, o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(200));
        using var raw = await TestNet.RawAsync(a.LocalEndPoint);
        Assert.True(await TestNet.ClosedByPeerAsync(raw));
        Assert.Equal(1, a.GetStatistics().HandshakesRejected);
    }

    [Fact]
    public async Task The_queue_to_a_dead_peer_stays_bounded_and_drops_the_oldest()
    {
        await using var a = TestNet.Start(1, o => o.SendQueueCapacity = 256);
        using var dead = TestNet.DeadEndPoint(out var endPoint);
        a.AddPeer(_node2, endPoint);
        for (ulong i = 0; i < 50_000; i++)
        {
            Assert.True(a.Send(TestMessages.Append(_node1, _node2, i)));
        }

        Assert.Equal(256, a.GetQueueLength(_node2));
        Assert.Equal(50_000 - 256, a.GetStatistics().MessagesDropped);
        Assert.Equal(0, a.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task Sending_to_an_unknown_peer_returns_false()
    {
        await using var a = TestNet.Start(1);
        Assert.False(a.Send(TestMessages.Heartbeat(_node1, new NodeId(42), 1)));
        Assert.Equal(1, a.GetStatistics().MessagesDropped);
    }

    [Fact]
    public async Task A_large_snapshot_travels_in_chunks_reassembles_exactly_and_does_not_hold_up_heartbeats()
    {
        await using var a = TestNet.Start(1, o => o.SnapshotChunkBytes = 16 * 1024);
        await using var b = TestNet.Start(2);
        TestNet.Connect(a, b);
        a.Send(TestMessages.Heartbeat(_node1, _node2, 0));
        await TestNet.ReceiveAsync(b);

        var data = TestMessages.Bytes(new SplitMix64(5), (16 * 1024 * 1024) + 123);
        var membership = new Membership([_node1, _node2, new NodeId(3)], [new NodeId(4)]);
        var snapshot = new Message
        {
            Type = MessageType.InstallSnapshot,
            From = _node1,
            To = _node2,
            Term = new Term(4),
            Snapshot = new Snapshot(new SnapshotMetadata(new LogIndex(1000), new Term(4), membership), data),
        };
        Assert.True(a.Send(snapshot));
        for (ulong i = 1; i <= 10; i++)
        {
            a.Send(TestMessages.Heartbeat(_node1, _node2, i));
        }

        var arrivals = new List<Message>();
        while (arrivals.Count < 11)
        {
            arrivals.Add(await TestNet.ReceiveAsync(b));
        }

        var received = Assert.Single(arrivals, m => m.Type == MessageType.InstallSnapshot);
        TestMessages.AssertSame(snapshot, received);
        Assert.True(arrivals.IndexOf(received) > 0, "a heartbeat queued after the snapshot should overtake its 1,025 chunks");
        Assert.Equal(1, b.GetStatistics().SnapshotsReceived);
    }

    [Fact]
    public async Task A_message_not_from_this_node_is_refused_at_send()
    {
        await using var a = TestNet.Start(1);
        using var dead = TestNet.DeadEndPoint(out var endPoint);
        a.AddPeer(_node2, endPoint);
        Assert.False(a.Send(TestMessages.Heartbeat(new NodeId(3), _node2, 1)));
        Assert.Equal(0, a.GetQueueLength(_node2));
    }

    [Fact]
    public async Task Removing_a_peer_closes_its_connection_and_adding_it_at_a_new_address_moves_it()
    {
        await using var a = TestNet.Start(1);
        await using var b = TestNet.Start(2);
        await using var b2 = TestNet.Start(2);
        a.AddPeer(_node2, b.LocalEndPoint);
        a.Send(TestMessages.Heartbeat(_node1, _node2, 1));
        await TestNet.ReceiveAsync(b);

        Assert.True(a.RemovePeer(_node2));
        Assert.False(a.RemovePeer(_node2));
        await TestNet.UntilAsync(() => b.GetStatistics().InboundConnectionsOpen == 0, "the removed peer's connection to close");
        Assert.False(a.Send(TestMessages.Heartbeat(_node1, _node2, 2)));

        a.AddPeer(_node2, b.LocalEndPoint);
        a.AddPeer(_node2, b2.LocalEndPoint);
        a.Send(TestMessages.Heartbeat(_node1, _node2, 3));
        Assert.Equal(3ul, (await TestNet.ReceiveAsync(b2)).Context);
    }

    [Fact]
    public async Task Dispose_closes_the_listener_and_every_connection()
    {
        var a = TestNet.Start(1);
        await using var b = TestNet.Start(2);
        TestNet.Connect(a, b);
        a.Send(TestMessages.Heartbeat(_node1, _node2, 1));
        b.Send(TestMessages.Heartbeat(_node2, _node1, 1));
        await TestNet.ReceiveAsync(b);
        await TestNet.ReceiveAsync(a);
        Assert.Equal(1, b.GetStatistics().InboundConnectionsOpen);

        await a.DisposeAsync();

        Assert.Equal(0, a.GetStatistics().InboundConnectionsOpen);
        Assert.True(a.Received.Completion.IsCompleted);
        Assert.False(a.Send(TestMessages.Heartbeat(_node1, _node2, 2)));
        await TestNet.UntilAsync(() => b.GetStatistics().InboundConnectionsOpen == 0, "the peer to see the connection close");
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await probe.ConnectAsync(a.LocalEndPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await a.DisposeAsync();
    }

    [Fact]
    public void Invalid_options_are_refused_up_front()
    {
        Assert.Throws<ArgumentException>(() => PeerTransport.Start(new PeerTransportOptions { ClusterId = "c" }));
        Assert.Throws<ArgumentException>(() => PeerTransport.Start(new PeerTransportOptions { LocalId = _node1, ClusterId = "" }));
        Assert.Throws<ArgumentException>(() => PeerTransport.Start(new PeerTransportOptions { LocalId = _node1, ClusterId = "c", SnapshotChunkBytes = 2 * 1024 * 1024 }));
    }
}
