namespace Cairn.Resilience.Cluster.Internal;

/// <summary>
/// A wake-up for one background loop that reads the latest state when it wakes: any number of <see cref="Set"/> calls
/// before the loop wakes count as one, and a <see cref="Set"/> after the loop woke wakes it again. Thread-safe.
/// </summary>
internal sealed class AsyncSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    // 1 while a wake-up is pending: keeps the semaphore's count at most 1.
    private int _pending;

    public void Set()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _semaphore.Release();
        }
    }

    /// <summary>Waits for a <see cref="Set"/>; the caller reads the state after this returns.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);

        // Cleared after waking and before the caller reads the state: a Set that saw 1 made its change before this,
        // so the caller sees it; a Set after this releases again.
        Volatile.Write(ref _pending, 0);
    }
}
