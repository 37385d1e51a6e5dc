using Cairn.Client.Cluster;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>The view of the slots, fed by the watch; it wakes waiters and notices permits lost to another holder.</summary>
public sealed partial class ClusterSemaphore
{
    private void OnSnapshot(RangeResult snapshot)
    {
        var lost = new List<ClusterSemaphorePermit>();
        lock (_lock)
        {
            _slots.Reset(snapshot);
            for (var slot = 0; slot < _held.Length; slot++)
            {
                // A held slot that is gone, or held at another revision, was lost while the watch was down.
                if (_held[slot] is { } permit && _slots.HolderRevision(slot) != permit.FencingToken && _slots.ChangedAt(slot) > permit.FencingToken)
                {
                    lost.Add(permit);
                    _held[slot] = null;
                }
            }

            Signal_NeedsLock();
        }

        _synchronized.TrySetResult();
        lost.ForEach(p => p.MarkLost());
    }

    private void OnWatchEvent(WatchEvent change)
    {
        ClusterSemaphorePermit? lost = null;
        lock (_lock)
        {
            var slot = _slots.Apply(change);
            if (slot < 0)
            {
                return;
            }

            // Any change to a held slot after it was taken (a delete by lease expiry or revocation, a put by another
            // holder after that) means this instance no longer holds it. Its own release removes it from _held first.
            if (_held[slot] is { } permit && change.Revision > permit.FencingToken)
            {
                lost = permit;
                _held[slot] = null;
            }

            Signal_NeedsLock();
        }

        lost?.MarkLost();
    }
}
