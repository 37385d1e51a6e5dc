using System.Text;
using Cairn.Client.Cluster;
using Cairn.Resilience.Cluster.CircuitBreaker;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Client.Tests.ClusterResilience;

/// <summary>The shared breaker's decision on a fake clock: distinct reporters against the threshold, local expiry, the ratio.</summary>
public sealed class FleetViewTests
{
    private const string Root = "cairn/breakers/payments/";
    private readonly FakeTimeProvider _time = new();
    private long _revision = 10;

    [Theory]
    [InlineData(1, 0.0, 0, 1, 1)]
    [InlineData(2, 0.0, 0, 1, 2)]
    [InlineData(2, 0.0, 0, 2, 2)]
    [InlineData(2, 0.5, 10, 2, 5)]
    [InlineData(2, 0.5, 10, 5, 5)]
    [InlineData(1, 0.3, 10, 3, 3)]
    [InlineData(3, 0.1, 4, 3, 3)]
    public void It_opens_when_the_distinct_reporters_reach_the_larger_of_the_minimum_and_the_ratio(int minimum, double ratio, int members, int reporters, int threshold)
    {
        var view = View(minimum, ratio);
        for (var i = 0; i < members; i++)
        {
            view.Apply(Put($"{Root}members/i{i}", ""), Now);
        }

        for (var i = 0; i < reporters; i++)
        {
            view.Apply(Report($"i{i}", TimeSpan.FromSeconds(5)), Now);
        }

        var change = view.Evaluate(Now);

        Assert.Equal(threshold, change.Threshold);
        Assert.Equal(reporters, change.Reporters);
        Assert.Equal(reporters >= threshold, view.IsOpen);
        Assert.Equal(reporters >= threshold ? 1 : 0, change.Transition);
    }

    [Fact]
    public void One_instance_reporting_again_and_again_still_counts_once()
    {
        var view = View(minimumReporters: 2);
        view.Apply(Report("a", TimeSpan.FromSeconds(5)), Now);
        view.Apply(Report("a", TimeSpan.FromSeconds(5)), Now);
        view.Apply(Report("a", TimeSpan.FromSeconds(9)), Now);

        Assert.False(view.Evaluate(Now).Opened);
        Assert.Equal(["a"], view.ReporterIds());
    }

    [Fact]
    public void Deleted_reports_close_it_and_the_change_is_reported_once()
    {
        var view = View(minimumReporters: 2);
        view.Apply(Report("a", TimeSpan.FromSeconds(5)), Now);
        view.Apply(Report("b", TimeSpan.FromSeconds(5)), Now);
        Assert.True(view.Evaluate(Now).Opened);
        Assert.Equal(0, view.Evaluate(Now).Transition);

        view.Apply(Delete($"{Root}reports/a"), Now);
        var change = view.Evaluate(Now);

        Assert.True(change.Closed);
        Assert.Equal(1, change.Reporters);
        Assert.Equal(0, view.OpenUntil);
    }

    [Fact]
    public void Reports_stop_counting_after_their_ttl_on_the_local_clock_even_without_a_delete()
    {
        var view = View(minimumReporters: 2);
        view.Apply(Report("a", TimeSpan.FromSeconds(3)), Now);
        _time.Advance(TimeSpan.FromSeconds(1));
        view.Apply(Report("b", TimeSpan.FromSeconds(5)), Now);
        Assert.True(view.Evaluate(Now).Opened);

        // Open until the first of the two needed reports lapses: a at 3 s after it was seen.
        Assert.Equal(TimeSpan.FromSeconds(2), _time.GetElapsedTime(Now, view.OpenUntil));
        Assert.Equal(view.OpenUntil, view.NextExpiry);

        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.Equal(0, view.Evaluate(Now).Transition);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(view.Evaluate(Now).Closed);
        Assert.Equal(["b"], view.ReporterIds());
    }

    [Fact]
    public void A_report_counts_for_at_most_the_maximum_ttl()
    {
        var view = View(minimumReporters: 1, maxReportTtl: TimeSpan.FromSeconds(10));
        view.Apply(Report("a", TimeSpan.FromHours(5)), Now);
        Assert.True(view.Evaluate(Now).Opened);

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.True(view.Evaluate(Now).Closed);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"ttlMs":0}""")]
    [InlineData("""{"ttlMs":"5000"}""")]
    [InlineData("[1]")]
    public void A_garbled_report_counts_for_nothing_and_withdraws_an_earlier_one(string value)
    {
        var view = View(minimumReporters: 1);
        view.Apply(Report("a", TimeSpan.FromSeconds(5)), Now);
        view.Apply(Put($"{Root}reports/a", value), Now);
        view.Apply(Put($"{Root}reports/b", value), Now);

        Assert.False(view.Evaluate(Now).Opened);
        Assert.Empty(view.ReporterIds());
    }

    [Theory]
    [InlineData("cairn/breakers/payments/reports/")]
    [InlineData("cairn/breakers/payments/reports/a/b")]
    [InlineData("cairn/breakers/payments-eu/reports/a")]
    [InlineData("cairn/breakers/payments/other/a")]
    [InlineData("cairn/breakers/payments/reportsa")]
    public void Keys_that_are_not_reports_of_this_dependency_are_ignored(string key)
    {
        var view = View(minimumReporters: 1);
        view.Apply(Put(key, """{"ttlMs":5000}"""), Now);

        Assert.False(view.Evaluate(Now).Opened);
    }

    [Fact]
    public void A_snapshot_replaces_the_view()
    {
        var view = View(minimumReporters: 2, ratio: 0.5);
        view.Apply(Report("old", TimeSpan.FromSeconds(5)), Now);
        view.Apply(Put($"{Root}members/old", ""), Now);

        view.Reset([Kv($"{Root}reports/a", """{"ttlMs":5000}"""), Kv($"{Root}reports/b", """{"ttlMs":5000}"""), Kv($"{Root}members/a", ""), Kv($"{Root}members/c", "")], Now);
        var change = view.Evaluate(Now);

        Assert.True(change.Opened);
        Assert.Equal(["a", "b"], view.ReporterIds());
        Assert.Equal(3, view.KnownInstances);
    }

    [Fact]
    public void Members_leaving_lower_the_ratio_threshold()
    {
        var view = View(minimumReporters: 1, ratio: 0.5);
        for (var i = 0; i < 6; i++)
        {
            view.Apply(Put($"{Root}members/m{i}", ""), Now);
        }

        view.Apply(Report("m0", TimeSpan.FromSeconds(5)), Now);
        view.Apply(Report("m1", TimeSpan.FromSeconds(5)), Now);
        Assert.Equal(3, view.Evaluate(Now).Threshold);
        Assert.False(view.IsOpen);

        view.Apply(Delete($"{Root}members/m4"), Now);
        view.Apply(Delete($"{Root}members/m5"), Now);
        var change = view.Evaluate(Now);

        Assert.Equal(2, change.Threshold);
        Assert.True(change.Opened);
    }

    private long Now => _time.GetTimestamp();

    private FleetView View(int minimumReporters, double ratio = 0, TimeSpan? maxReportTtl = null) =>
        new(Root, minimumReporters, ratio, maxReportTtl ?? TimeSpan.FromMinutes(5), _time.TimestampFrequency);

    private WatchEvent Report(string instance, TimeSpan ttl) =>
        Put($"{Root}reports/{instance}", $$"""{"ttlMs":{{(long)ttl.TotalMilliseconds}}}""");

    private WatchEvent Put(string key, string value) => new(WatchEventType.Put, ++_revision, Kv(key, value));

    private WatchEvent Delete(string key) => new(WatchEventType.Delete, ++_revision, Kv(key, ""));

    private KeyValue Kv(string key, string value) => new(key, Encoding.UTF8.GetBytes(value), _revision, _revision, 1, 7);
}
