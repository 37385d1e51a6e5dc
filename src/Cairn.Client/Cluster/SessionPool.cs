using System.Collections.Concurrent;

namespace Cairn.Client.Cluster;

/// <summary>
/// The client's sessions. The server keeps one answer per session, so a session carries one write at a time; the pool
/// lends each exclusively, opens new ones lazily (a Raft write each) up to a bound, and drops those idle long enough to
/// be near the server's expiry. Thread-safe.
/// </summary>
internal sealed class SessionPool(int maxSessions, TimeSpan idleTimeout, TimeProvider time)
{
    // Never disposed: it allocates no wait handle unless asked for one, and calls in flight may still release it.
#pragma warning disable CA2213
    private readonly SemaphoreSlim _slots = new(maxSessions, maxSessions);
#pragma warning restore CA2213
    private readonly ConcurrentStack<ClientSession> _idle = new();

    /// <summary>Lends a session, waiting for a free slot and opening a session with <paramref name="open"/> when none is idle.</summary>
    public async Task<ClientSession> RentAsync(Func<CancellationToken, Task<long>> open, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            while (_idle.TryPop(out var session))
            {
                if (now - session.LastUsed < idleTimeout)
                {
                    return session;
                }
            }

            return new ClientSession(await open(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Takes a session back; <paramref name="keep"/> false drops it (it expired on the server).</summary>
    public void Return(ClientSession session, bool keep)
    {
        if (keep)
        {
            session.LastUsed = time.GetUtcNow();
            _idle.Push(session);
        }

        _slots.Release();
    }
}
