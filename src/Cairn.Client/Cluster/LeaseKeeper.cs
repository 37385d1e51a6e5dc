namespace Cairn.Client.Cluster;

/// <summary>
/// Renews one lease in the background, from <see cref="CairnClient.StartLeaseKeeper"/>: at once, then every third of its
/// TTL. A renewal that fails transiently is tried again sooner (every sixth of the TTL); when none has succeeded for a
/// whole TTL, counted from when the last good renewal was sent, the keeper presumes the lease expired. Then, or when
/// the server says it is gone, <see cref="Lost"/> is cancelled and <see cref="Completion"/> faults with the
/// <see cref="CairnException"/> that says why. Thread-safe. Disposing stops the renewals; it does not revoke the lease.
/// </summary>
/// <remarks>
/// The keeper's view is conservative: it counts the TTL from before the renewal was sent, while the server counts it
/// from when the renewal was applied, so the keeper never believes a lease alive that the server has expired — as long
/// as the two clocks run at the same rate. Work that must stop when the lease goes (a lock, a leadership) should watch
/// <see cref="Lost"/>.
/// </remarks>
public sealed class LeaseKeeper : IAsyncDisposable, IDisposable
{
    private readonly CairnClient _client;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private long _ttlTicks;
    private long _renewals;

    internal LeaseKeeper(CairnClient client, long leaseId, TimeSpan ttl, TimeProvider time)
    {
        _client = client;
        _time = time;
        LeaseId = leaseId;
        _ttlTicks = ttl.Ticks;
        Completion = Task.Run(RunAsync);
    }

    /// <summary>The lease kept alive.</summary>
    public long LeaseId { get; }

    /// <summary>The TTL of the last renewal (the server's answer), or the one given at start.</summary>
    public TimeSpan Ttl => TimeSpan.FromTicks(Interlocked.Read(ref _ttlTicks));

    /// <summary>Successful renewals so far.</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    /// <summary>Cancelled when the lease is gone (revoked, expired, or not renewed for a whole TTL). Not cancelled by dispose.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Completes when the keeper is disposed; faults with a <see cref="CairnException"/> when the lease is lost
    /// (<see cref="CairnErrorCode.LeaseNotFound"/>, or the transient code of the last failed renewal).</summary>
    public Task Completion { get; }

    /// <summary>Stops renewing and waits for the loop to end.</summary>
    /// <returns>A task that completes when the loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (CairnException)
        {
            // Already reported through Lost and Completion.
        }
    }

    /// <summary>Stops renewing without waiting for the loop to end.</summary>
    public void Dispose() => _stop.Cancel();

    private async Task RunAsync()
    {
        var renewedAt = _time.GetUtcNow();
        try
        {
            while (true)
            {
                var sentAt = _time.GetUtcNow();
                var left = renewedAt + Ttl - sentAt;
                var outcome = left > TimeSpan.Zero ? await RenewAsync(left).ConfigureAwait(false) : Expired();
                if (outcome is null)
                {
                    renewedAt = sentAt;
                    Interlocked.Increment(ref _renewals);
                }
                else if (outcome.ErrorCode == CairnErrorCode.LeaseNotFound || !outcome.IsTransient || _time.GetUtcNow() >= renewedAt + Ttl)
                {
                    await _lost.CancelAsync().ConfigureAwait(false);
                    throw outcome;
                }

                await Task.Delay(Ttl / (outcome is null ? 3 : 6), _time, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <summary>One renewal bounded by the time the lease has left; null when it succeeded, else why not.</summary>
    private async Task<CairnException?> RenewAsync(TimeSpan left)
    {
        using var bound = new CancellationTokenSource(left, _time);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, bound.Token);
        try
        {
            var ttl = await _client.KeepAliveLeaseAsync(LeaseId, call.Token).ConfigureAwait(false);
            if (ttl > TimeSpan.Zero)
            {
                Interlocked.Exchange(ref _ttlTicks, ttl.Ticks);
            }

            return null;
        }
        catch (CairnException e)
        {
            return e;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            return Expired();
        }
        catch (ObjectDisposedException e)
        {
            return new CairnException(CairnErrorCode.Unavailable, $"lease {LeaseId}: the client was disposed", e);
        }
    }

    private CairnException Expired() =>
        new(CairnErrorCode.Timeout, $"lease {LeaseId}: not renewed within its TTL of {Ttl.TotalSeconds:0.###} s; presumed expired");
}
