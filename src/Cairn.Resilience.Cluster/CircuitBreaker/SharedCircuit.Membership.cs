using Cairn.Resilience.Cluster.Internal;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>Membership, for the reporter ratio: this instance's key on a lease kept alive while the circuit lives.</summary>
public sealed partial class SharedCircuit
{
    private readonly string _memberKey;
    private readonly Task _membership;

    // Only the membership loop (and DisposeAsync after it ended) touches it: the current membership lease, or 0.
    private long _memberLeaseId;

    /// <summary>Registers this instance, keeps the lease alive, and registers again whenever the lease is lost.</summary>
    private async Task MembershipLoopAsync(TimeSpan ttl)
    {
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var lease = await _client.GrantLeaseAsync(ttl, _stop.Token).ConfigureAwait(false);
                _memberLeaseId = lease.Id;
                await _client.PutAsync(_memberKey, "", lease.Id, _stop.Token).ConfigureAwait(false);
                failures = 0;
                var keeper = _client.StartLeaseKeeper(lease.Id, lease.Ttl);
                await using (keeper.ConfigureAwait(false))
                {
                    // Completes only when disposed; faults when the lease is lost, and then the loop registers anew.
                    await keeper.Completion.WaitAsync(_stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (Exception e)
            {
                ReportError(e);
                try
                {
                    await Task.Delay(RetryDelay.After(++failures), _time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
