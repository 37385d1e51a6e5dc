// The hub runs outside apply, on the server's threads: it is the one place in this assembly that may lock.
#pragma warning disable RS0030
using System.Diagnostics.CodeAnalysis;
using Cairn.State.Kv;

namespace Cairn.State.Watch;

/// <summary>
/// Fans the state machine's change events out to watchers. Not part of the deterministic state: the apply thread feeds
/// it with <see cref="Publish"/> after each entry (in log order) and <see cref="Reset(StateMachine)"/> after a restore;
/// any thread may subscribe or dispose a subscription. Thread-safe; one lock guards everything, and no method blocks on
/// a watcher: a watcher whose bounded buffer cannot take the next revision is cancelled with
/// <see cref="WatchCancelReason.Lagged"/> and may resubscribe from <see cref="WatchCancelledException.ResumeRevision"/>.
/// </summary>
/// <remarks>Guarantee: a subscription receives every event that matches it with a revision at or after its start,
/// in revision order (and apply order within a revision), each once; a revision is delivered whole or not at all.</remarks>
public sealed class WatchHub : IDisposable
{
    private readonly Lock _lock = new();
    private readonly WatchHubOptions _options;

    // Invariant: _history[_head..] holds every event with a revision at or above _compactRevision, in order.
    private readonly List<WatchEvent> _history = [];
    private readonly Dictionary<long, WatchSubscription> _subscriptions = [];
    private int _head;

    // Invariant: the sum of KvHistory.SizeBytes over _history[_head..].
    private long _bytes;
    private long _nextId;
    private ulong _revision = 1;
    private ulong _compactRevision;
    private bool _disposed;

    /// <summary>Creates an empty hub (revision 1) with the given bounds, or the defaults.</summary>
    public WatchHub(WatchHubOptions? options = null)
    {
        _options = options ?? new WatchHubOptions();
        _options.Validate();
    }

    /// <summary>The revision of the last published entry.</summary>
    public ulong Revision
    {
        get
        {
            lock (_lock)
            {
                return _revision;
            }
        }
    }

    /// <summary>The oldest revision a subscription may start from (the machine's compaction point, or later if the
    /// hub's own window is smaller).</summary>
    public ulong CompactRevision
    {
        get
        {
            lock (_lock)
            {
                return _compactRevision;
            }
        }
    }

    /// <summary>The number of live subscriptions.</summary>
    public int SubscriptionCount
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions.Count;
            }
        }
    }

    /// <summary>Loads the machine's history (call on the apply thread after a restore or at start); cancels every
    /// subscription with <see cref="WatchCancelReason.Reset"/>.</summary>
    public void Reset(StateMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        Reset(machine.Revision, machine.Kv.CompactRevision, machine.Kv.History);
    }

    /// <summary>Loads a history window: every event from <paramref name="compactRevision"/> up to
    /// <paramref name="revision"/>, in order. Cancels every subscription with <see cref="WatchCancelReason.Reset"/>.</summary>
    public void Reset(ulong revision, ulong compactRevision, IEnumerable<WatchEvent> history)
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions.Values.ToArray())
            {
                Cancel(subscription, WatchCancelReason.Reset);
            }
            _history.Clear();
            _head = 0;
            _bytes = 0;
            Append(history);
            _revision = revision;
            _compactRevision = compactRevision;
            Trim();
        }
    }

    /// <summary>Publishes one applied entry's events. Call in log order, from the apply thread.</summary>
    public void Publish(ApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            Append(result.Events);
            _revision = result.Revision;
            Compact(result.CompactRevision);
            Trim();
            if (result.Events.Count > 0)
            {
                Deliver(result.Events);
            }
        }
    }

    /// <summary>Starts a subscription.</summary>
    /// <param name="request">What to watch and from which revision.</param>
    /// <param name="subscription">The subscription, when it started.</param>
    /// <param name="error">Otherwise why not: <see cref="StateStatus.RevisionCompacted"/> (the start is below
    /// <see cref="CompactRevision"/>), <see cref="StateStatus.InvalidArgument"/> or <see cref="StateStatus.TooLarge"/>.</param>
    public bool TrySubscribe(WatchRequest request, [NotNullWhen(true)] out WatchSubscription? subscription, [NotNullWhen(false)] out ErrorResponse? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        subscription = null;
        error = Validate(request);
        if (error is not null)
        {
            return false;
        }
        lock (_lock)
        {
            error = CheckStart(request);
            if (error is not null)
            {
                return false;
            }
            var start = request.StartRevision == 0 ? _revision + 1 : request.StartRevision;
            subscription = Start(request, start);
            return true;
        }
    }

    private static ErrorResponse? Validate(WatchRequest request)
    {
        if (request.Key.Length == 0 && !request.Prefix)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, "key is empty (an empty key watches everything only with prefix)");
        }
        return request.Key.Length > KvLimits.MaxKeyBytes
            ? new ErrorResponse(StateStatus.TooLarge, $"key is {request.Key.Length} bytes; the limit is {KvLimits.MaxKeyBytes}")
            : null;
    }

    private ErrorResponse? CheckStart(WatchRequest request)
    {
        if (_disposed)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, "the watch hub is disposed");
        }
        if (_subscriptions.Count >= _options.MaxSubscriptions)
        {
            return new ErrorResponse(StateStatus.TooLarge, $"subscriptions are at the limit of {_options.MaxSubscriptions}");
        }
        return request.StartRevision != 0 && request.StartRevision < _compactRevision
            ? new ErrorResponse(StateStatus.RevisionCompacted, $"startRevision {request.StartRevision} is below the compaction point {_compactRevision}")
            : null;
    }

    private WatchSubscription Start(WatchRequest request, ulong start)
    {
        var catchUp = new List<WatchEvent>();
        for (var i = FirstAtOrAfter(start); i < _history.Count; i++)
        {
            var change = _history[i];
            if (change.Kv.Key.AsSpan().StartsWith(request.Key) && (request.Prefix || change.Kv.Key.Length == request.Key.Length))
            {
                catchUp.Add(request.PrevKv ? change : change with { PrevKv = null });
            }
        }
        var subscription = new WatchSubscription(this, ++_nextId, request, _options.SubscriberBufferEvents + catchUp.Count)
        {
            NextRevision = Math.Max(start, _revision + 1),
        };
        foreach (var change in catchUp)
        {
            subscription.Channel.Writer.TryWrite(change);
        }
        _subscriptions.Add(subscription.Id, subscription);
        return subscription;
    }

    internal void Unsubscribe(WatchSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription.Id);
            subscription.Channel.Writer.TryComplete();
        }
    }

    /// <summary>Completes every subscription with <see cref="WatchCancelReason.HubDisposed"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var subscription in _subscriptions.Values.ToArray())
            {
                Cancel(subscription, WatchCancelReason.HubDisposed);
            }
        }
    }

    private void Deliver(IReadOnlyList<WatchEvent> events)
    {
        foreach (var subscription in _subscriptions.Values.ToArray())
        {
            var start = 0;
            while (start < events.Count && _subscriptions.ContainsKey(subscription.Id))
            {
                var end = start;
                while (end < events.Count && events[end].Revision == events[start].Revision)
                {
                    end++;
                }
                DeliverRevision(subscription, events, start, end);
                start = end;
            }
        }
    }

    /// <summary>Delivers one revision's events whole, or cancels the subscription as lagged if they do not fit.</summary>
    private void DeliverRevision(WatchSubscription subscription, IReadOnlyList<WatchEvent> events, int start, int end)
    {
        var revision = events[start].Revision;
        if (revision < subscription.NextRevision)
        {
            return;
        }
        var matching = new List<WatchEvent>();
        for (var i = start; i < end; i++)
        {
            if (subscription.Matches(events[i]))
            {
                matching.Add(subscription.Shape(events[i]));
            }
        }
        // Only this thread writes, and the reader only frees space, so the room measured here is there for the writes.
        if (matching.Count > 0 && subscription.Capacity - subscription.Channel.Reader.Count < matching.Count)
        {
            Cancel(subscription, WatchCancelReason.Lagged);
            return;
        }
        foreach (var change in matching)
        {
            subscription.Channel.Writer.TryWrite(change);
        }
        subscription.NextRevision = revision + 1;
    }

    private void Cancel(WatchSubscription subscription, WatchCancelReason reason)
    {
        _subscriptions.Remove(subscription.Id);
        subscription.Channel.Writer.TryComplete(new WatchCancelledException(reason, subscription.NextRevision));
    }

    private void Compact(ulong revision)
    {
        while (_head < _history.Count && _history[_head].Revision < revision)
        {
            _bytes -= KvHistory.SizeBytes(_history[_head]);
            _head++;
        }
        _compactRevision = Math.Max(_compactRevision, revision);
        if (_head > 1024 && _head > _history.Count / 2)
        {
            _history.RemoveRange(0, _head);
            _head = 0;
        }
    }

    private void Trim()
    {
        while (_history.Count - _head > _options.MaxHistoryEvents || (_history.Count > _head && _bytes > _options.MaxHistoryBytes))
        {
            Compact(_history[_head].Revision + 1);
        }
    }

    private void Append(IEnumerable<WatchEvent> events)
    {
        foreach (var change in events)
        {
            _history.Add(change);
            _bytes += KvHistory.SizeBytes(change);
        }
    }

    private int FirstAtOrAfter(ulong revision)
    {
        int low = _head, high = _history.Count;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (_history[mid].Revision < revision)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}
