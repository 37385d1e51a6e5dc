using System.Diagnostics.Metrics;

namespace Cairn.Client.LoadBalancing;

/// <summary>The client's load-balancing instruments, on the <c>Cairn.Client.LoadBalancing</c> meter.</summary>
/// <remarks>
/// <c>cairn.client.lb.calls</c> counts finished calls tagged <c>endpoint</c> (the authority) and <c>result</c>
/// (success, failure, ignored); <c>cairn.client.lb.ejections</c> counts passive ejections tagged <c>endpoint</c>.
/// Counting happens on release, never on the pick, so picks stay free of instrument cost.
/// </remarks>
public static class LoadBalancingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Cairn.Client.LoadBalancing";

    /// <summary>The name of the counter of finished calls.</summary>
    public const string CallsCounterName = "cairn.client.lb.calls";

    /// <summary>The name of the counter of ejections.</summary>
    public const string EjectionsCounterName = "cairn.client.lb.ejections";

    private static readonly Meter _meter = new(MeterName);
    private static readonly Counter<long> _calls = _meter.CreateCounter<long>(CallsCounterName, "{call}", "Calls finished through the load balancer.");
    private static readonly Counter<long> _ejections = _meter.CreateCounter<long>(EjectionsCounterName, "{ejection}", "Endpoints ejected by passive outlier detection.");

    internal static void RecordCall(BackendEndpoint endpoint, EndpointCallResult result)
    {
        if (_calls.Enabled)
        {
            _calls.Add(
                1,
                new KeyValuePair<string, object?>("endpoint", endpoint.Authority),
                new KeyValuePair<string, object?>("result", ResultTag(result)));
        }
    }

    internal static void RecordEjection(BackendEndpoint endpoint)
    {
        if (_ejections.Enabled)
        {
            _ejections.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint.Authority));
        }
    }

    private static string ResultTag(EndpointCallResult result) => result switch
    {
        EndpointCallResult.Success => "success",
        EndpointCallResult.Failure => "failure",
        _ => "ignored",
    };
}
