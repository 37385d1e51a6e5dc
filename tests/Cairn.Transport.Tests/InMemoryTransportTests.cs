using System.Net;
using Cairn.Raft;

namespace Cairn.Transport.Tests;

public sealed class InMemoryTransportTests
{
    private static readonly NodeId _node1 = new(1);
    private static readonly NodeId _node2 = new(2);
    private static readonly EndPoint _nowhere = new IPEndPoint(IPAddress.Loopback, 1);

    [Fact]
    public async Task Delivers_to_added_peers_over_links_that_are_not_cut()
    {
        var network = new InMemoryNetwork();
        await using var a = network.CreateTransport(_node1);
        await using var b = network.CreateTransport(_node2);
        Assert.False(a.Send(TestMessages.Heartbeat(_node1, _node2, 1)));

        a.AddPeer(_node2, _nowhere);
        Assert.True(a.Send(TestMessages.Heartbeat(_node1, _node2, 2)));
        Assert.True(b.Received.TryRead(out var message));
        Assert.Equal(2ul, message.Context);

        network.SetLink(_node1, _node2, connected: false);
        Assert.False(a.Send(TestMessages.Heartbeat(_node1, _node2, 3)));
        network.SetLink(_node1, _node2, connected: true);
        Assert.True(a.Send(TestMessages.Heartbeat(_node1, _node2, 4)));

        Assert.True(a.RemovePeer(_node2));
        Assert.False(a.Send(TestMessages.Heartbeat(_node1, _node2, 5)));
    }

    [Fact]
    public async Task A_full_receive_queue_drops_the_oldest_and_dispose_completes_the_reader()
    {
        var network = new InMemoryNetwork();
        await using var a = network.CreateTransport(_node1);
        var b = network.CreateTransport(_node2, receiveQueueCapacity: 2);
        a.AddPeer(_node2, _nowhere);
        for (ulong i = 0; i < 5; i++)
        {
            a.Send(TestMessages.Heartbeat(_node1, _node2, i));
        }

        Assert.True(b.Received.TryRead(out var first));
        Assert.Equal(3ul, first.Context);
        await b.DisposeAsync();
        Assert.False(a.Send(TestMessages.Heartbeat(_node1, _node2, 9)));
    }
}
