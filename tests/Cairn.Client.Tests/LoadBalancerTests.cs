using Cairn.Client.LoadBalancing;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Client.Tests;

public sealed class LoadBalancerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Picks_only_actively_healthy_endpoints()
    {
        var items = Endpoints.Create(3);
        var source = new StaticEndpointSource(items);
        var balancer = new LoadBalancer(source, new RoundRobinPicker(), timeProvider: _time);

        source.SetHealthy(items[1], false);

        Assert.DoesNotContain(items[1], PickMany(balancer, 30));
        source.SetHealthy(items[1], true);
        Assert.Contains(items[1], PickMany(balancer, 30));
    }

    [Fact]
    public void Consecutive_failures_eject_for_the_reactivation_period()
    {
        var items = Endpoints.Create(3);
        var balancer = new LoadBalancer(new StaticEndpointSource(items), new RoundRobinPicker(), new OutlierDetectionOptions { ConsecutiveFailures = 3, ReactivationPeriod = TimeSpan.FromSeconds(30) }, _time);

        FailOn(balancer, items[0], 3);

        Assert.Equal(1, items[0].TotalEjections);
        Assert.DoesNotContain(items[0], PickMany(balancer, 30));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.DoesNotContain(items[0], PickMany(balancer, 30));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains(items[0], PickMany(balancer, 30));
    }

    [Fact]
    public void A_success_ends_the_run_of_failures()
    {
        var items = Endpoints.Create(2);
        var balancer = new LoadBalancer(new StaticEndpointSource(items), new RoundRobinPicker(), new OutlierDetectionOptions { ConsecutiveFailures = 3 }, _time);

        FailOn(balancer, items[0], 2);
        CompleteOn(balancer, items[0], EndpointCallResult.Success);
        FailOn(balancer, items[0], 2);

        Assert.Equal(0, items[0].TotalEjections);
        Assert.Contains(items[0], PickMany(balancer, 10));
    }

    [Fact]
    public void Ignored_results_neither_fail_nor_heal()
    {
        var items = Endpoints.Create(2);
        var balancer = new LoadBalancer(new StaticEndpointSource(items), new RoundRobinPicker(), new OutlierDetectionOptions { ConsecutiveFailures = 2 }, _time);

        FailOn(balancer, items[0], 1);
        CompleteOn(balancer, items[0], EndpointCallResult.Ignored);
        FailOn(balancer, items[0], 1);

        Assert.Equal(1, items[0].TotalEjections);
    }

    [Fact]
    public void When_every_endpoint_is_ejected_it_picks_among_the_healthy_ones()
    {
        var items = Endpoints.Create(2);
        var source = new StaticEndpointSource(items);
        var balancer = new LoadBalancer(source, new RoundRobinPicker(), new OutlierDetectionOptions { ConsecutiveFailures = 1 }, _time);
        FailOn(balancer, items[0], 1);
        FailOn(balancer, items[1], 1);

        Assert.Equal(items.ToHashSet(), PickMany(balancer, 10).ToHashSet());

        source.SetHealthy(items[0], false);
        Assert.Equal([items[1]], PickMany(balancer, 10).Distinct());
    }

    [Fact]
    public void No_endpoint_when_none_is_healthy_or_the_source_is_empty()
    {
        var items = Endpoints.Create(1);
        var source = new StaticEndpointSource(items);
        var balancer = new LoadBalancer(source, timeProvider: _time);

        source.SetHealthy(items[0], false);
        Assert.False(balancer.TryAcquire(out _));

        source.SetEndpoints([]);
        Assert.False(balancer.TryAcquire(out _));

        var fresh = Endpoints.Create(2);
        source.SetEndpoints(fresh);
        Assert.True(balancer.TryAcquire(out var lease));
        Assert.Contains(lease.Endpoint, fresh);
        lease.Release(EndpointCallResult.Success);
    }

    [Fact]
    public void Leases_count_in_flight_until_released()
    {
        var items = Endpoints.Create(1);
        var balancer = new LoadBalancer(new StaticEndpointSource(items), timeProvider: _time);

        Assert.True(balancer.TryAcquire(out var a));
        Assert.True(balancer.TryAcquire(out var b));
        Assert.Equal(2, items[0].InFlight);
        a.Release(EndpointCallResult.Success);
        b.Release(EndpointCallResult.Failure);

        Assert.Equal(0, items[0].InFlight);
        Assert.Equal(2, items[0].TotalRequests);
        Assert.Equal(1, items[0].TotalFailures);
        Assert.Throws<InvalidOperationException>(() => default(EndpointLease).Release(EndpointCallResult.Success));
    }

    [Fact]
    public void A_pick_without_acquire_counts_nothing_and_acquire_counts_until_release()
    {
        var items = Endpoints.Create(2);
        var balancer = new LoadBalancer(new StaticEndpointSource(items), new RoundRobinPicker(), timeProvider: _time);

        Assert.True(balancer.TryPick(out var picked));
        Assert.All(items, e => Assert.Equal(0, e.InFlight));

        var lease = balancer.Acquire(picked);
        Assert.Equal(1, picked.InFlight);
        lease.Release(EndpointCallResult.Success);
        Assert.Equal(0, picked.InFlight);
        Assert.Equal(1, picked.TotalRequests);
        Assert.False(new LoadBalancer(new StaticEndpointSource([]), timeProvider: _time).TryPick(out var none));
        Assert.Null(none);
    }

    [Fact]
    public void The_source_raises_changed_after_each_change_with_the_version_already_moved()
    {
        var items = Endpoints.Create(2);
        var source = new StaticEndpointSource(items);
        var seen = new List<long>();
        source.Changed += (sender, _) => seen.Add(((EndpointSource)sender!).Version);

        source.SetHealthy(items[0], false);
        source.SetHealthy(items[0], false);
        source.SetEndpoints([items[1]]);

        Assert.Equal([1, 2], seen);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1001, 10)]
    [InlineData(5, 0)]
    public void Invalid_outlier_options_are_refused(int failures, int reactivationSeconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadBalancer(
            new StaticEndpointSource(Endpoints.Create(1)),
            outlierDetection: new OutlierDetectionOptions { ConsecutiveFailures = failures, ReactivationPeriod = TimeSpan.FromSeconds(reactivationSeconds) }));

    [Fact]
    public void Endpoints_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new BackendEndpoint(new Uri("/relative", UriKind.Relative)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackendEndpoint(new Uri("http://a/"), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackendEndpoint(new Uri("http://a/"), BackendEndpoint.MaxWeight + 1));
        var e = new BackendEndpoint(new Uri("http://a/"));
        Assert.Throws<ArgumentException>(() => new StaticEndpointSource([e, e]));
    }

    public static TheoryData<string> PickerNames => ["round-robin", "random", "least-connections", "p2c", "weighted-round-robin", "weighted-random"];

    [Theory]
    [MemberData(nameof(PickerNames))]
    public void A_pick_allocates_nothing(string pickerName)
    {
        var balancer = new LoadBalancer(new StaticEndpointSource(Endpoints.Create(300, i => 1 + (i % 7))), CreatePicker(pickerName), timeProvider: _time);
        var leases = new EndpointLease[10_000];

        // The first round only warms up: it runs the same picks, so the code measured in the second round has been
        // jitted and tiered up through the same paths (the runtime's tiering may allocate on this thread in between).
        var allocated = 0L;
        for (int round = 0; round < 2; round++)
        {
            // Only the picks are measured: releases report to the metrics, whose listeners (another test's) may allocate.
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < leases.Length; i++)
            {
                balancer.TryAcquire(out leases[i]);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            foreach (var lease in leases)
            {
                lease.Release(EndpointCallResult.Success);
            }
        }

        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(PickerNames))]
    public async Task Thousands_of_concurrent_calls_leave_every_in_flight_count_at_zero(string pickerName)
    {
        var items = Endpoints.Create(7);
        var balancer = new LoadBalancer(new StaticEndpointSource(items), CreatePicker(pickerName), new OutlierDetectionOptions { ConsecutiveFailures = 50 }, _time);
        const int Calls = 4000;

        await Task.WhenAll(Enumerable.Range(0, Calls).Select(i => Task.Run(async () =>
        {
            Assert.True(balancer.TryAcquire(out var lease));
            var result = EndpointCallResult.Failure;
            try
            {
                await Task.Yield();
                if (i % 5 == 0)
                {
                    throw new InvalidOperationException("call failed");
                }

                result = i % 3 == 0 ? EndpointCallResult.Ignored : EndpointCallResult.Success;
            }
            catch (InvalidOperationException)
            {
            }
            finally
            {
                lease.Release(result);
            }
        })));

        Assert.All(items, e => Assert.Equal(0, e.InFlight));
        Assert.Equal(Calls, items.Sum(e => e.TotalRequests));
        Assert.Equal(Calls / 5, items.Sum(e => e.TotalFailures));
    }

    [Fact]
    public async Task Active_health_checker_marks_endpoints_on_each_round_of_the_fake_clock()
    {
        var items = Endpoints.Create(3);
        var source = new StaticEndpointSource(items);
        var down = new HashSet<BackendEndpoint> { items[1] };
        await using var checker = new ActiveHealthChecker(
            source,
            (endpoint, _) => endpoint == items[2] && down.Contains(endpoint) ? throw new HttpRequestException("refused") : new ValueTask<bool>(!down.Contains(endpoint)),
            TimeSpan.FromSeconds(5),
            TimeSpan.FromSeconds(1),
            _time);

        _time.Advance(TimeSpan.FromSeconds(5));
        await WaitForRoundsAsync(checker, 1);
        Assert.Equal([true, false, true], items.Select(e => e.IsHealthy));

        down = [items[2]];
        _time.Advance(TimeSpan.FromSeconds(5));
        await WaitForRoundsAsync(checker, 2);
        Assert.Equal([true, true, false], items.Select(e => e.IsHealthy));
    }

    private static async Task WaitForRoundsAsync(ActiveHealthChecker checker, long rounds)
    {
        // The timer callback starts the round on the fake clock's thread; its probes here complete synchronously,
        // so this bounded wait only covers a scheduling gap.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (checker.RoundsCompleted < rounds && DateTime.UtcNow < deadline)
        {
            await Task.Yield();
        }

        Assert.Equal(rounds, checker.RoundsCompleted);
    }

    private static EndpointPicker CreatePicker(string name) => name switch
    {
        "round-robin" => new RoundRobinPicker(),
        "random" => new RandomPicker(new SeededRandom(42).Next),
        "least-connections" => new LeastConnectionsPicker(),
        "p2c" => new PowerOfTwoChoicesPicker(new SeededRandom(42).Next),
        "weighted-round-robin" => new WeightedRoundRobinPicker(),
        _ => new WeightedRandomPicker(new SeededRandom(42).Next),
    };

    private static List<BackendEndpoint> PickMany(LoadBalancer balancer, int count)
    {
        var picked = new List<BackendEndpoint>();
        for (int i = 0; i < count; i++)
        {
            Assert.True(balancer.TryAcquire(out var lease));
            picked.Add(lease.Endpoint);
            lease.Release(EndpointCallResult.Ignored);
        }

        return picked;
    }

    private static void FailOn(LoadBalancer balancer, BackendEndpoint endpoint, int times)
    {
        for (int i = 0; i < times; i++)
        {
            CompleteOn(balancer, endpoint, EndpointCallResult.Failure);
        }
    }

    private static void CompleteOn(LoadBalancer balancer, BackendEndpoint endpoint, EndpointCallResult result)
    {
        // Take leases until the wanted endpoint comes up; the others are released untouched.
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(balancer.TryAcquire(out var lease));
            if (lease.Endpoint == endpoint)
            {
                lease.Release(result);
                return;
            }

            lease.Release(EndpointCallResult.Ignored);
        }

        Assert.Fail($"{endpoint} was never picked.");
    }
}
