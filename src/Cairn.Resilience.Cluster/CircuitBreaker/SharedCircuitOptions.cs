using System.Globalization;
using Cairn.Resilience.Cluster.Internal;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>
/// Settings of a <see cref="SharedCircuit"/>, read once when it is created (later changes have no effect). Not
/// thread-safe: configure, then hand over. Checked by <see cref="Validate"/>, which the constructor calls.
/// </summary>
public sealed class SharedCircuitOptions
{
    /// <summary>
    /// The dependency the breaker protects, the same on every instance that should share it (e.g. <c>payments-api</c>):
    /// 1 to 128 characters of letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, starting with a letter or digit.
    /// Required.
    /// </summary>
    public string Dependency { get; set; } = "";

    /// <summary>
    /// This instance's identity among the reporters, with the same character rules as <see cref="Dependency"/>; null
    /// (the default) for one identity per process (host name, process id and a random suffix). Every instance needs a
    /// distinct one, and a process should use one: two identities in one process count as two reporters.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// Distinct instances that must report the dependency down at once for the shared circuit to open on every
    /// instance. 1 to 1,000; default 2, so that one instance with a broken network path or a bug cannot open the
    /// breaker of the whole fleet (App-vNext/Polly#287). 1 trusts every single instance.
    /// </summary>
    public int MinimumReporters { get; set; } = 2;

    /// <summary>
    /// A share of the known instances that must also report: the circuit opens when the reporters reach
    /// max(<see cref="MinimumReporters"/>, ⌈ratio × known instances⌉). In [0, 1]; default 0 (off). When above 0 each
    /// instance registers itself as a member on a lease kept alive for <see cref="MembershipTtl"/>, so large fleets
    /// need a proportionate number of reports and not a fixed handful.
    /// </summary>
    public double MinimumReporterRatio { get; set; }

    /// <summary>
    /// The TTL of the membership lease (used only when <see cref="MinimumReporterRatio"/> is above 0): a crashed
    /// instance stops counting as known this long after its last renewal. 1 s to 5 minutes; default 10 s.
    /// </summary>
    public TimeSpan MembershipTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a report lives: a report's lease has the break duration of the opening that wrote it, rounded up to
    /// whole seconds and capped here, and watchers count a report for at most this long after seeing it. 1 s to 1 hour;
    /// default 5 minutes.
    /// </summary>
    public TimeSpan MaxReportTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The key prefix of all shared breakers; the dependency's keys are <c>{KeyPrefix}{Dependency}/reports/{instance}</c>
    /// and <c>{KeyPrefix}{Dependency}/members/{instance}</c>. Ends with <c>/</c>; default <c>cairn/breakers/</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "cairn/breakers/";

    /// <summary>The clock for report expiry and retry pauses; null for <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Called with every error of the background work (watching, reporting, membership) before it is retried; null to
    /// ignore them. Called on a background thread; must not throw or block.
    /// </summary>
    public Action<Exception>? OnError { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        ClusterNames.Validate(Dependency, nameof(Dependency));
        if (InstanceId is not null)
        {
            ClusterNames.Validate(InstanceId, nameof(InstanceId));
        }

        ClusterNames.ValidatePrefix(KeyPrefix, nameof(KeyPrefix));
        Check(MinimumReporters is >= 1 and <= 1000, nameof(MinimumReporters), MinimumReporters, "1 to 1000");
        Check(MinimumReporterRatio is >= 0 and <= 1, nameof(MinimumReporterRatio), MinimumReporterRatio, "0 to 1");
        Check(MembershipTtl >= TimeSpan.FromSeconds(1) && MembershipTtl <= TimeSpan.FromMinutes(5), nameof(MembershipTtl), MembershipTtl, "1 s to 5 minutes");
        Check(MaxReportTtl >= TimeSpan.FromSeconds(1) && MaxReportTtl <= TimeSpan.FromHours(1), nameof(MaxReportTtl), MaxReportTtl, "1 s to 1 hour");
    }

    private static void Check(bool valid, string name, object value, string range)
    {
        if (!valid)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}: {value}; must be {range}"), name);
        }
    }
}
