using Cairn.Client.Cluster;

namespace Cairn.Resilience.Cluster.Internal;

/// <summary>
/// Keeps a local copy of the keys under one prefix: reads them (linearizably), then watches every change from the
/// next revision on, so the copy never misses a change. When the watch fails for good (the SDK already resumes across
/// broken streams; this covers compaction and long outages) it pauses and starts over with a fresh read.
/// </summary>
/// <remarks>
/// One loop, one watch. The callbacks run on the loop one at a time, in revision order, and must not block for long.
/// The loop ends when <c>stop</c> is cancelled or the client is disposed; other errors go to <c>onError</c> and
/// the loop retries after <see cref="RetryDelay"/>.
/// </remarks>
internal static class PrefixWatcher
{
    public static async Task RunAsync(
        CairnClient client,
        string prefix,
        TimeProvider time,
        Action<RangeResult> onSnapshot,
        Action<WatchEvent> onEvent,
        Action<Exception> onError,
        CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var snapshot = await client.RangeAsync(prefix, limit: 0, ReadConsistency.Linearizable, stop).ConfigureAwait(false);
                onSnapshot(snapshot);
                failures = 0;
                await foreach (var change in client.WatchAsync(prefix, prefix: true, snapshot.Revision + 1, stop).ConfigureAwait(false))
                {
                    onEvent(change);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The client was disposed under us: nothing more can be watched.
                return;
            }
            catch (Exception e)
            {
                onError(e);
                failures++;
                try
                {
                    await Task.Delay(RetryDelay.After(failures), time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
