using Cairn.Client.Cluster;
using Cairn.Resilience.Cluster.Internal;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>This instance's report: written when an attached breaker opens, withdrawn when none is open any more.</summary>
public sealed partial class SharedCircuit
{
    private readonly string _reportKey;
    private readonly TimeSpan _maxReportTtl;
    private readonly AsyncSignal _reportChanged = new();
    private readonly Task _reporting;

    // Guarded by _lock: the desired report. The version moves on every change the loop must act on (each opening
    // renews the report, so each one moves it).
    private int _openBreakers;
    private TimeSpan _reportTtl;
    private long _reportVersion;

    // Only the report loop (and DisposeAsync after it ended) touches it: the lease the report is on, or 0.
    private long _reportLeaseId;

    /// <summary>
    /// True while an attached breaker is open on its own evidence, so this instance wants its report in the cluster. The
    /// report itself may already have lapsed: it lives for one break, and only a reopening renews it.
    /// </summary>
    public bool IsReporting
    {
        get
        {
            lock (_lock)
            {
                return _openBreakers > 0;
            }
        }
    }

    internal ReporterHandle CreateReporter() => new();

    /// <summary>An attached breaker opened on its own evidence for <paramref name="breakDuration"/>: (re)write the report.</summary>
    internal void ReportOpened(ReporterHandle handle, TimeSpan breakDuration)
    {
        var ttl = breakDuration < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : breakDuration > _maxReportTtl ? _maxReportTtl : breakDuration;
        lock (_lock)
        {
            if (!handle.IsOpen)
            {
                handle.IsOpen = true;
                _openBreakers++;
            }

            _reportTtl = ttl;
            _reportVersion++;
        }

        _reportChanged.Set();
    }

    /// <summary>An attached breaker closed (by itself or by hand): withdraw the report when no other one is open.</summary>
    internal void ReportClosed(ReporterHandle handle)
    {
        lock (_lock)
        {
            if (!handle.IsOpen)
            {
                return;
            }

            handle.IsOpen = false;
            if (--_openBreakers > 0)
            {
                return;
            }

            _reportVersion++;
        }

        _reportChanged.Set();
    }

    /// <summary>Brings the cluster to the desired report, retrying after failures, until disposed.</summary>
    private async Task ReportLoopAsync()
    {
        long applied = 0;
        var failures = 0;
        try
        {
            while (true)
            {
                await _reportChanged.WaitAsync(_stop.Token).ConfigureAwait(false);
                while (true)
                {
                    long version;
                    bool open;
                    TimeSpan ttl;
                    lock (_lock)
                    {
                        (version, open, ttl) = (_reportVersion, _openBreakers > 0, _reportTtl);
                    }

                    if (version == applied)
                    {
                        break;
                    }

                    try
                    {
                        await PublishAsync(open, ttl).ConfigureAwait(false);
                        applied = version;
                        failures = 0;
                    }
                    catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
                    {
                        ReportError(e);
                        await Task.Delay(RetryDelay.After(++failures), _time, _stop.Token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Disposed (this circuit or the client).
        }
    }

    private async Task PublishAsync(bool open, TimeSpan ttl)
    {
        var previous = _reportLeaseId;
        if (!open)
        {
            if (previous != 0)
            {
                await RevokeAsync(previous).ConfigureAwait(false);
                _reportLeaseId = 0;
            }

            return;
        }

        // A fresh lease per opening: its TTL is this opening's break, and the old lease (with its old TTL) goes.
        var lease = await _client.GrantLeaseAsync(ttl, _stop.Token).ConfigureAwait(false);
        try
        {
            await _client.PutAsync(_reportKey, ReportValue.Encode(lease.Ttl), lease.Id, _stop.Token).ConfigureAwait(false);
        }
        catch
        {
            await RevokeQuietlyAsync(lease.Id, _stop.Token).ConfigureAwait(false);
            throw;
        }

        _reportLeaseId = lease.Id;
        if (previous != 0)
        {
            // The key moved to the new lease, so revoking the old one deletes nothing; it only saves the server a lease.
            await RevokeQuietlyAsync(previous, _stop.Token).ConfigureAwait(false);
        }
    }

    private async Task RevokeAsync(long leaseId)
    {
        try
        {
            await _client.RevokeLeaseAsync(leaseId, _stop.Token).ConfigureAwait(false);
        }
        catch (CairnException e) when (e.ErrorCode == CairnErrorCode.LeaseNotFound)
        {
            // Expired already: the report is gone either way.
        }
    }
}
