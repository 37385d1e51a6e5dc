using Cairn.Client.Cluster;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>The view of the fleet: fed by the watch and by a timer for local expiry; listeners told of changes in order.</summary>
public sealed partial class SharedCircuit
{
    // The open state the listeners were last told of; only the notifier loop touches it.
    private bool _notifiedOpen;

    private void OnSnapshot(RangeResult snapshot)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _view.Reset(snapshot.Kvs, now);
            Evaluate_NeedsLock(now);
        }

        _synchronized.TrySetResult();
    }

    private void OnWatchEvent(WatchEvent change)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _view.Apply(change, now);
            Evaluate_NeedsLock(now);
        }
    }

    private void OnExpiryTimer()
    {
        lock (_lock)
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                Evaluate_NeedsLock(_time.GetTimestamp());
            }
        }
    }

    /// <summary>Decides, publishes the result for the call path, arms the timer for the next local expiry, wakes the notifier.</summary>
    private void Evaluate_NeedsLock(long now)
    {
        var change = _view.Evaluate(now);
        Volatile.Write(ref _openUntil, _view.OpenUntil);
        var due = _view.NextExpiry is { } next ? _time.GetElapsedTime(now, next) + TimeSpan.FromMilliseconds(1) : Timeout.InfiniteTimeSpan;
        try
        {
            _expiryTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and here; nothing is left to expire.
        }

        if (change.Transition != 0)
        {
            _changed.Set();
        }
    }

    /// <summary>Tells the listeners each time the open state they last heard of is no longer the current one.</summary>
    private async Task NotifyLoopAsync()
    {
        while (true)
        {
            try
            {
                await _changed.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            bool open;
            int reporters;
            int threshold;
            ISharedCircuitListener[] listeners;
            lock (_lock)
            {
                (open, reporters, threshold) = (_view.IsOpen, _view.Reporters, _view.Threshold);
                listeners = [.. _listeners];
            }

            // A flap (open then closed) between two wake-ups is reported as nothing: listeners hear of states, in order.
            if (open == _notifiedOpen)
            {
                continue;
            }

            _notifiedOpen = open;
            foreach (var listener in listeners)
            {
                try
                {
                    await listener.OnChangedAsync(open, reporters, threshold, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }

                    // A listener's callback failed; the others must still hear of the change.
                    ReportError(e);
                }
            }
        }
    }
}
