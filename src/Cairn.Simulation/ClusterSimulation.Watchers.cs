using Cairn.State;
using Cairn.State.Kv;
using Cairn.State.Watch;

namespace Cairn.Simulation;

// Watchers: subscriptions to the nodes' real watch hubs, compared event by event with the committed history. A hub
// may cancel a subscription (the node restored a snapshot, or the watcher read too slowly) with the revision to resume
// from; a crash takes the hub with it. Either way the watcher subscribes again from the first revision it has not
// received, and must then see every change in revision order, no gap, no duplicate. A resume below the compaction
// point is refused (documented), and the watcher skips to the compaction point.
public sealed partial class ClusterSimulation
{
    private readonly List<SimulatedWatcher> _watchers = [];

    private void StepWatcher(SimulatedWatcher watcher)
    {
        if (watcher.Failed || _now % watcher.ReadEveryTicks != 0)
        {
            return;
        }

        var node = _nodes.GetValueOrDefault(watcher.Node);
        if (watcher.Subscription is not null && (node is null || !node.IsUp || node.Incarnation != watcher.Incarnation))
        {
            // The node went down with its hub: start again elsewhere from the first revision not received.
            watcher.Subscription = null;
            watcher.Waiting = null;
        }

        if (watcher.Subscription is null && !TrySubscribe(watcher))
        {
            return;
        }

        if (_nodes[watcher.Node].PausedUntil <= _now)
        {
            Drain(watcher);
        }
    }

    private bool TrySubscribe(SimulatedWatcher watcher)
    {
        var candidates = _nodes.Values.Where(n => n.IsUp && !n.IsDecommissioned && n.PausedUntil <= _now).ToList();
        if (candidates.Count == 0)
        {
            return false;
        }

        var node = candidates.Find(n => n.Id == watcher.Node) ?? candidates[_random.Next(candidates.Count)];
        var hub = node.Machine!.Watches;
        var request = new WatchRequest(watcher.Prefix, Prefix: true, StartRevision: watcher.NextRevision, PrevKv: watcher.PrevKv);
        if (!hub.TrySubscribe(request, out var subscription, out var error))
        {
            if (error.Code != StateStatus.RevisionCompacted)
            {
                _checker.Fail(_now, $"watch: watcher {watcher.Id} could not subscribe on {node.Id} from revision {watcher.NextRevision}: {error.Message}");
                watcher.Failed = true;
                return false;
            }

            // Documented: history below the compaction point is gone, so the watcher skips to it.
            var compacted = hub.CompactRevision;
            Record($"watcher {watcher.Id}: revision {watcher.NextRevision} is compacted on {node.Id}; skipping to {compacted}");
            while (watcher.Cursor < _state.Events.Count && _state.Events[watcher.Cursor].Revision < compacted)
            {
                watcher.Cursor++;
            }

            watcher.NextRevision = compacted;
            if (!hub.TrySubscribe(request with { StartRevision = compacted }, out subscription, out error))
            {
                _checker.Fail(_now, $"watch: watcher {watcher.Id} could not subscribe on {node.Id} from the compaction point {compacted}: {error.Message}");
                watcher.Failed = true;
                return false;
            }
        }

        watcher.Resumes += watcher.Node.Value == 0 ? 0 : 1;
        (watcher.Node, watcher.Incarnation, watcher.Subscription, watcher.Waiting) = (node.Id, node.Incarnation, subscription, null);
        return true;
    }

    /// <summary>Takes every event waiting in the subscription, then notices (without blocking) whether the hub ended it.</summary>
    private void Drain(SimulatedWatcher watcher)
    {
        var events = watcher.Subscription!.Events;
        while (!watcher.Failed)
        {
            while (!watcher.Failed && events.TryRead(out var change))
            {
                Verify(watcher, change);
            }

            // A wait that completed earlier may only say that data came (and was read since); ask again until the
            // answer is "nothing yet" (keep waiting) or "ended".
            var waiting = watcher.Waiting ?? events.WaitToReadAsync();
            watcher.Waiting = null;
            if (!waiting.IsCompleted)
            {
                watcher.Waiting = waiting;
                return;
            }

            try
            {
                if (!waiting.GetAwaiter().GetResult())
                {
                    _checker.Fail(_now, $"watch: watcher {watcher.Id}'s subscription on {watcher.Node} ended without a reason");
                    watcher.Failed = true;
                }
            }
            catch (Exception e) when ((e as WatchCancelledException ?? e.InnerException as WatchCancelledException) is { } cancelled)
            {
                // Documented: resubscribing from the resume revision continues with no gap and no duplicate.
                Record($"watcher {watcher.Id}: cancelled on {watcher.Node} ({cancelled.Reason}), resuming from revision {cancelled.ResumeRevision}");
                watcher.NextRevision = cancelled.ResumeRevision;
                watcher.Subscription = null;
                return;
            }
        }
    }

    private void Verify(SimulatedWatcher watcher, WatchEvent change)
    {
        var history = _state.Events;
        while (watcher.Cursor < history.Count && !watcher.Matches(history[watcher.Cursor]))
        {
            watcher.Cursor++;
        }

        var expected = watcher.Cursor < history.Count ? history[watcher.Cursor] : null;
        if (expected is null || !SameEvent(expected, change, watcher.PrevKv))
        {
            var wanted = expected is null ? "nothing more" : Describe(expected);
            _checker.Fail(_now, $"watch: watcher {watcher.Id} on {watcher.Node} received {Describe(change)} where the committed history has {wanted} (a gap, a duplicate or a wrong event)");
            watcher.Failed = true;
            return;
        }

        watcher.Cursor++;
        watcher.Checked++;
        watcher.NextRevision = change.Revision + 1;
    }

    /// <summary>
    /// After the liveness phase: every watcher that still has a node to watch ends up subscribed and must have received
    /// every matching change its node has applied.
    /// </summary>
    private void FinishWatchers()
    {
        foreach (var watcher in _watchers.Where(w => !w.Failed))
        {
            for (var attempt = 0; attempt < 3 && !watcher.Failed; attempt++)
            {
                var node = _nodes.GetValueOrDefault(watcher.Node);
                if (watcher.Subscription is not null && (node is null || !node.IsUp || node.Incarnation != watcher.Incarnation))
                {
                    watcher.Subscription = null;
                }

                if (watcher.Subscription is null && !TrySubscribe(watcher))
                {
                    break;
                }

                Drain(watcher);
                if (watcher.Subscription is not null)
                {
                    CheckCaughtUp(watcher);
                    break;
                }
            }
        }
    }

    private void CheckCaughtUp(SimulatedWatcher watcher)
    {
        var applied = _nodes[watcher.Node].Machine!.State.Revision;
        var history = _state.Events;
        while (watcher.Cursor < history.Count && !watcher.Matches(history[watcher.Cursor]))
        {
            watcher.Cursor++;
        }

        if (!watcher.Failed && watcher.Cursor < history.Count && history[watcher.Cursor].Revision <= applied)
        {
            _checker.Fail(_now, $"watch: watcher {watcher.Id} on {watcher.Node} never received {Describe(history[watcher.Cursor])}, though its node is at revision {applied}");
        }
    }

    private static bool SameEvent(WatchEvent expected, WatchEvent actual, bool prevKv) =>
        expected.Type == actual.Type && SameKeyValue(expected.Kv, actual.Kv)
        && (prevKv ? (expected.PrevKv is null ? actual.PrevKv is null : actual.PrevKv is not null && SameKeyValue(expected.PrevKv, actual.PrevKv)) : actual.PrevKv is null);

    private static bool SameKeyValue(KeyValue a, KeyValue b) =>
        a.Key.AsSpan().SequenceEqual(b.Key) && a.Value.AsSpan().SequenceEqual(b.Value) && a.CreateRevision == b.CreateRevision
        && a.ModRevision == b.ModRevision && a.Version == b.Version && a.LeaseId == b.LeaseId;

    private static string Describe(WatchEvent change) =>
        $"{change.Type} \"{System.Text.Encoding.UTF8.GetString(change.Kv.Key)}\" = \"{System.Text.Encoding.UTF8.GetString(change.Kv.Value)}\" at revision {change.Revision} (version {change.Kv.Version}, lease {change.Kv.LeaseId})";
}
