using Cairn.Client.Cluster;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>
/// One instance's view of a dependency's reports and members, and the decision drawn from it: the shared circuit is
/// open while at least <see cref="Threshold"/> distinct instances report the dependency down.
/// </summary>
/// <remarks>
/// <para>
/// Pure and not thread-safe: the caller feeds it the keys under <c>{prefix}{dependency}/</c> (a snapshot, then watch
/// events in revision order) and timestamps of its <see cref="TimeProvider"/>, under its own lock.
/// </para>
/// <para>
/// Keys: <c>reports/{instance}</c> (value <see cref="ReportValue"/>, on the reporter's lease) and
/// <c>members/{instance}</c> (on a kept-alive lease; only used for <see cref="_minimumRatio"/>). A report counts until
/// its delete arrives or until its TTL has passed on this instance's clock since it was seen, whichever comes first,
/// so a watch stuck behind a partition cannot hold the circuit open. A report whose value cannot be read is ignored.
/// </para>
/// </remarks>
internal sealed class FleetView
{
    private const string ReportsSegment = "reports/";
    private const string MembersSegment = "members/";

    private readonly string _root;
    private readonly int _minimumReporters;
    private readonly double _minimumRatio;
    private readonly TimeSpan _maxReportTtl;
    private readonly double _timestampsPerTick;

    // Invariant: every value is the local timestamp at which the report stops counting.
    private readonly Dictionary<string, long> _reports = new(StringComparer.Ordinal);
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);

    public FleetView(string root, int minimumReporters, double minimumRatio, TimeSpan maxReportTtl, long timestampFrequency)
    {
        _root = root;
        _minimumReporters = minimumReporters;
        _minimumRatio = minimumRatio;
        _maxReportTtl = maxReportTtl;
        _timestampsPerTick = timestampFrequency / (double)TimeSpan.TicksPerSecond;
    }

    /// <summary>Whether the shared circuit was open at the last evaluation.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Reporters counted at the last evaluation.</summary>
    public int Reporters { get; private set; }

    /// <summary>Reporters needed to open, at the last evaluation.</summary>
    public int Threshold { get; private set; }

    /// <summary>Instances known (members and reporters), at the last evaluation.</summary>
    public int KnownInstances { get; private set; }

    /// <summary>
    /// While open, the timestamp at which enough reports will have expired locally for it to close if nothing else
    /// happens (callers may be let through from then on, before the next evaluation); 0 while closed.
    /// </summary>
    public long OpenUntil { get; private set; }

    /// <summary>The earliest local expiry of a report, or null when there is none: evaluate again then.</summary>
    public long? NextExpiry => _reports.Count == 0 ? null : _reports.Values.Min();

    /// <summary>The reporting instances, in ordinal order.</summary>
    public string[] ReporterIds() => [.. _reports.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Replaces everything with a snapshot of the keys under the root.</summary>
    public void Reset(IEnumerable<KeyValue> kvs, long now)
    {
        _reports.Clear();
        _members.Clear();
        foreach (var kv in kvs)
        {
            Put(kv, now);
        }
    }

    /// <summary>Applies one watched change.</summary>
    public void Apply(WatchEvent change, long now)
    {
        if (change.Type == WatchEventType.Put)
        {
            Put(change.Kv, now);
        }
        else if (TryInstance(change.Kv.Key, ReportsSegment, out var reporter))
        {
            _reports.Remove(reporter);
        }
        else if (TryInstance(change.Kv.Key, MembersSegment, out var member))
        {
            _members.Remove(member);
        }
    }

    /// <summary>Drops reports expired at <paramref name="now"/> and decides whether the shared circuit is open.</summary>
    public FleetChange Evaluate(long now)
    {
        foreach (var expired in _reports.Where(r => r.Value <= now).Select(r => r.Key).ToArray())
        {
            _reports.Remove(expired);
        }

        KnownInstances = _members.Count + _reports.Keys.Count(r => !_members.Contains(r));
        Reporters = _reports.Count;
        // The small allowance keeps a product such as 0.3 × 10 from rounding up past 3.
        Threshold = Math.Max(_minimumReporters, (int)Math.Ceiling((_minimumRatio * KnownInstances) - 1e-9));
        var open = Reporters >= Threshold;

        // Sorted latest first, the report at index Threshold - 1 is the one whose expiry drops the count below it.
        OpenUntil = open ? _reports.Values.OrderDescending().ElementAt(Threshold - 1) : 0;
        var transition = open == IsOpen ? 0 : open ? 1 : -1;
        IsOpen = open;
        return new FleetChange(transition, Reporters, Threshold);
    }

    private void Put(KeyValue kv, long now)
    {
        if (TryInstance(kv.Key, ReportsSegment, out var reporter))
        {
            if (ReportValue.TryDecode(kv.Value.Span, out var ttl))
            {
                var counted = ttl < _maxReportTtl ? ttl : _maxReportTtl;
                _reports[reporter] = now + (long)(counted.Ticks * _timestampsPerTick);
            }
            else
            {
                // A put that garbles a report withdraws it.
                _reports.Remove(reporter);
            }
        }
        else if (TryInstance(kv.Key, MembersSegment, out var member))
        {
            _members.Add(member);
        }
    }

    /// <summary>The instance id of <c>{root}{segment}{instance}</c>; false for any other key (deeper keys included).</summary>
    private bool TryInstance(string key, string segment, out string instance)
    {
        instance = "";
        var start = _root.Length + segment.Length;
        if (key.Length <= start
            || !key.AsSpan(0, _root.Length).SequenceEqual(_root)
            || !key.AsSpan(_root.Length, segment.Length).SequenceEqual(segment)
            || key.IndexOf('/', start) >= 0)
        {
            return false;
        }

        instance = key[start..];
        return true;
    }
}
