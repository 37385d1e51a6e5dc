using Cairn.Client.Cluster;
using Cairn.Resilience.Cluster.Internal;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>Releasing: delete the slot if this permit still holds it, retrying in the background after a failure.</summary>
public sealed partial class ClusterSemaphore
{
    internal async ValueTask ReleaseAsync(ClusterSemaphorePermit permit)
    {
        bool held;
        lock (_lock)
        {
            held = _held[permit.Slot] == permit;
            if (held)
            {
                _held[permit.Slot] = null;
            }
        }

        try
        {
            // A lost permit's slot is gone or someone else's; after dispose the session's revocation frees it.
            if (held && !permit.IsLost && Volatile.Read(ref _disposed) == 0)
            {
                await DeleteAsync(ReleaseTxn(permit.Key, permit.FencingToken), permit.Session, inBackground: false).ConfigureAwait(false);
            }
        }
        finally
        {
            permit.DisposeToken();
        }
    }

    private static CairnTxn ReleaseTxn(string key, long revision) =>
        new CairnTxn().If(TxnCondition.ModRevisionIs(key, CompareOperator.Equal, revision)).Then(TxnOperation.Delete(key));

    /// <summary>After a cancelled or failed attempt: release the slot if the attempt took it after all.</summary>
    private async Task UndoAsync(Task<TxnResult> call, string key, string value, ClusterSession session)
    {
        CairnTxn undo;
        try
        {
            var result = await call.ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return;
            }

            undo = ReleaseTxn(key, result.Revision);
        }
        catch (CairnException e) when (e.ErrorCode != CairnErrorCode.LeaseNotFound)
        {
            // Unknown outcome: delete the key only if it holds this attempt's unique value.
            undo = new CairnTxn().If(TxnCondition.ValueIs(key, CompareOperator.Equal, value)).Then(TxnOperation.Delete(key));
        }
        catch (Exception)
        {
            // The lease is gone (so is any slot on it), or the semaphore is being disposed (its revocation frees it).
            return;
        }

        await DeleteAsync(undo, session, inBackground: true).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a conditional delete. In the foreground one try, then the background takes over after a transient failure;
    /// in the background it retries until it succeeds, the session ends (its lease's end deletes the slot anyway), or
    /// the semaphore is disposed. Never throws.
    /// </summary>
    private async Task DeleteAsync(CairnTxn txn, ClusterSession session, bool inBackground)
    {
        var failures = 0;
        try
        {
            while (!session.IsLost)
            {
                try
                {
                    await _client.TxnAsync(txn, _lifetime.Token).ConfigureAwait(false);
                    return;
                }
                catch (CairnException e) when (e.IsTransient)
                {
                    ReportError(e);
                    if (!inBackground)
                    {
                        Track(DeleteAsync(txn, session, inBackground: true));
                        return;
                    }

                    await Task.Delay(RetryDelay.After(++failures), _time, _lifetime.Token).ConfigureAwait(false);
                }
            }
        }
        catch (CairnException e)
        {
            ReportError(e);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Disposed: the session's revocation frees the slot.
        }
    }
}
