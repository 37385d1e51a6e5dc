using System.Globalization;
using Cairn.Client.Cluster;

namespace Cairn.Resilience.Cluster.Bulkhead;

/// <summary>Acquiring: try the free slots with one transaction each; wait for the view to change; never leak a slot.</summary>
public sealed partial class ClusterSemaphore
{
    // Local waiters queue here so that only one of them at a time contends in the cluster.
    private readonly SemaphoreSlim _turn = new(1, 1);

    private enum TakeOutcome
    {
        Taken,
        Busy,
        SessionGone,
    }

    /// <summary>Waits for a permit.</summary>
    /// <param name="cancellationToken">Ends the wait (then <see cref="OperationCanceledException"/>; nothing stays held).</param>
    /// <returns>The permit; dispose it to release.</returns>
    /// <exception cref="CairnException">The cluster failed a request after the client's retries; the caller may try again.</exception>
    /// <exception cref="ObjectDisposedException">The semaphore was disposed.</exception>
    public async Task<ClusterSemaphorePermit> AcquireAsync(CancellationToken cancellationToken = default) =>
        (await AcquireCoreAsync(wait: true, cancellationToken).ConfigureAwait(false))!;

    /// <summary>Tries to get a permit within <paramref name="timeout"/>, measured on the semaphore's clock.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> to try the slots that look free once, without waiting.</param>
    /// <param name="cancellationToken">Ends the wait (then <see cref="OperationCanceledException"/>).</param>
    /// <returns>The permit, or null when none was free in time.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="CairnException">The cluster failed a request after the client's retries.</exception>
    /// <exception cref="ObjectDisposedException">The semaphore was disposed.</exception>
    public async Task<ClusterSemaphorePermit?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        if (timeout == TimeSpan.Zero)
        {
            return await AcquireCoreAsync(wait: false, cancellationToken).ConfigureAwait(false);
        }

        using var timer = new CancellationTokenSource(timeout, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await AcquireCoreAsync(wait: true, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<ClusterSemaphorePermit?> AcquireCoreAsync(bool wait, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!wait)
        {
            return await TryTakeAnyAsync(cancellationToken).ConfigureAwait(false);
        }

        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                // Taken before looking, so a change after the look wakes this waiter.
                Task changed;
                lock (_lock)
                {
                    changed = _changed.Task;
                }

                if (await TryTakeAnyAsync(cancellationToken).ConfigureAwait(false) is { } permit)
                {
                    return permit;
                }

                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Tries each slot that looks free once; null when none could be taken.</summary>
    private async Task<ClusterSemaphorePermit?> TryTakeAnyAsync(CancellationToken cancellationToken)
    {
        // A session can be lost between its check and the transaction (a revocation); start a new one a few times.
        for (var sessions = 0; sessions < 3; sessions++)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var session = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
            var sessionGone = false;
            foreach (var slot in await CandidatesAsync(cancellationToken).ConfigureAwait(false))
            {
                var (outcome, permit) = await TryTakeAsync(slot, session, cancellationToken).ConfigureAwait(false);
                if (outcome == TakeOutcome.Taken)
                {
                    return permit;
                }

                if (outcome == TakeOutcome.SessionGone)
                {
                    sessionGone = true;
                    break;
                }
            }

            if (!sessionGone)
            {
                return null;
            }
        }

        throw new CairnException(CairnErrorCode.LeaseNotFound, $"semaphore '{Name}': the session lease was lost three times in a row while acquiring");
    }

    /// <summary>The slots that look free, from the view once it is synchronized, else from a read of the cluster.</summary>
    private async Task<int[]> CandidatesAsync(CancellationToken cancellationToken)
    {
        var start = (int)((ulong)Interlocked.Increment(ref _attempts) % (ulong)PermitLimit);
        lock (_lock)
        {
            if (_slots.IsSynchronized)
            {
                return _slots.FreeSlots(start);
            }
        }

        var snapshot = await _client.RangeAsync(_slotsPrefix, limit: 0, ReadConsistency.Linearizable, cancellationToken).ConfigureAwait(false);
        var table = new SlotTable(_slotsPrefix, PermitLimit);
        table.Reset(snapshot);
        return table.FreeSlots(start);
    }

    /// <summary>One transaction: take the slot if its key is missing.</summary>
    private async Task<(TakeOutcome Outcome, ClusterSemaphorePermit? Permit)> TryTakeAsync(int slot, ClusterSession session, CancellationToken cancellationToken)
    {
        var key = _slots.KeyOf(slot);

        // Unique per attempt, so that an attempt whose answer was lost can be undone by its value alone.
        var value = string.Create(CultureInfo.InvariantCulture, $"{HolderId}/{Interlocked.Increment(ref _attempts)}");
        var txn = new CairnTxn().If(TxnCondition.Missing(key)).Then(TxnOperation.Put(key, value, session.LeaseId));

        // The transaction runs to its end on the semaphore's lifetime, not the caller's token: a caller that gives up
        // must not leave a slot taken that nobody knows of.
        var call = _client.TxnAsync(txn, _lifetime.Token);
        TxnResult result;
        try
        {
            result = await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Track(UndoAsync(call, key, value, session));
            throw;
        }
        catch (CairnException e) when (e.ErrorCode == CairnErrorCode.LeaseNotFound)
        {
            session.MarkLost();
            return (TakeOutcome.SessionGone, null);
        }
        catch (CairnException e) when (e.IsTransient)
        {
            // The transaction may have been applied with its answer lost.
            Track(UndoAsync(call, key, value, session));
            throw;
        }

        return result.Succeeded ? (TakeOutcome.Taken, Register(slot, key, result.Revision, session)) : (TakeOutcome.Busy, null);
    }

    private ClusterSemaphorePermit Register(int slot, string key, long revision, ClusterSession session)
    {
        var permit = new ClusterSemaphorePermit(this, slot, key, revision, session);
        bool lost;
        lock (_lock)
        {
            // The watch may already have seen the slot change after this transaction (a revocation in between).
            lost = _slots.ChangedAt(slot) > revision;
            _held[slot] = lost ? null : permit;
        }

        if (lost)
        {
            permit.MarkLost();
        }

        return permit;
    }
}
