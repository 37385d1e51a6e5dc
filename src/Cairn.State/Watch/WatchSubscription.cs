using System.Threading.Channels;
using Cairn.State.Kv;

namespace Cairn.State.Watch;

/// <summary>
/// One watcher's stream: every matching event from its start revision, in revision order, no gaps, no duplicates.
/// The channel completes with a <see cref="WatchCancelledException"/> when the hub cancels the subscription, and
/// normally when it is disposed. Dispose it to stop watching.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly WatchHub _hub;

    internal WatchSubscription(WatchHub hub, long id, WatchRequest request, int capacity)
    {
        _hub = hub;
        Id = id;
        Request = request;
        Capacity = capacity;
        Channel = System.Threading.Channels.Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The subscription's id, unique within the hub.</summary>
    public long Id { get; }

    /// <summary>What it watches.</summary>
    public WatchRequest Request { get; }

    /// <summary>The events; read them with <c>ReadAllAsync</c>.</summary>
    public ChannelReader<WatchEvent> Events => Channel.Reader;

    internal Channel<WatchEvent> Channel { get; }

    internal int Capacity { get; }

    /// <summary>The first revision not yet delivered (guarded by the hub's lock).</summary>
    internal ulong NextRevision { get; set; }

    internal bool Matches(WatchEvent change) => Request.Prefix
        ? change.Kv.Key.AsSpan().StartsWith(Request.Key)
        : change.Kv.Key.AsSpan().SequenceEqual(Request.Key);

    internal WatchEvent Shape(WatchEvent change) => Request.PrevKv || change.PrevKv is null ? change : change with { PrevKv = null };

    /// <summary>Stops the subscription and completes its channel.</summary>
    public void Dispose() => _hub.Unsubscribe(this);
}
