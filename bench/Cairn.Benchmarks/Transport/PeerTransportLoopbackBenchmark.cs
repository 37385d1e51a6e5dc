using System.Net;
using BenchmarkDotNet.Attributes;
using Cairn.Raft;
using Cairn.Transport;

namespace Cairn.Benchmarks.Transport;

/// <summary>
/// Two <see cref="PeerTransport"/>s on loopback: 1,000 pipelined appends (64 entries of 256 bytes, about 18 KB each)
/// from one to the other, timed until the last is received. Per-operation figures are per message.
/// </summary>
[MemoryDiagnoser]
public class PeerTransportLoopbackBenchmark
{
    private const int Messages = 1000;

    private PeerTransport _sender = null!;
    private PeerTransport _receiver = null!;
    private Message[] _appends = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sender = PeerTransport.Start(Options(1, Messages));
        _receiver = PeerTransport.Start(Options(2, Messages));
        _sender.AddPeer(_receiver.LocalId, _receiver.LocalEndPoint);
        var entries = Enumerable.Range(0, 64)
            .Select(i => new Entry(new LogIndex((ulong)i + 1), new Term(7), EntryKind.Command, new byte[256]))
            .ToArray();
        _appends = [.. Enumerable.Range(0, Messages).Select(i => new Message
        {
            Type = MessageType.Append,
            From = _sender.LocalId,
            To = _receiver.LocalId,
            Term = new Term(7),
            Index = new LogIndex((ulong)i),
            Entries = entries,
        })];
        Send();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _receiver.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Sends 1,000 appends and waits for all of them on the other side.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int Send()
    {
        foreach (var append in _appends)
        {
            _sender.Send(append);
        }

        var received = 0;
        while (received < Messages)
        {
            if (_receiver.Received.TryRead(out _))
            {
                received++;
            }
            else
            {
                _receiver.Received.WaitToReadAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        return received;
    }

    private static PeerTransportOptions Options(ulong id, int queue) => new()
    {
        LocalId = new NodeId(id),
        ClusterId = "bench",
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        SendQueueCapacity = queue * 2,
        ReceiveQueueCapacity = queue * 2,
    };
}
