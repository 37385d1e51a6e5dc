using System.ComponentModel.DataAnnotations;
using Cairn.Client.Cluster;
using Cairn.Resilience.CircuitBreaker;
using Cairn.Resilience.Cluster.Bulkhead;
using Cairn.Resilience.Cluster.CircuitBreaker;
using Polly;
using Polly.CircuitBreaker;

namespace Cairn.Client.Tests.ClusterResilience;

/// <summary>Options are checked up front, and the shared breaker hands every option of the local breaker on.</summary>
public sealed class OptionsTests
{
    public static TheoryData<Action<SharedCircuitOptions>, string> BadCircuitOptions => new()
    {
        { o => o.Dependency = "", "Dependency" },
        { o => o.Dependency = "a/b", "Dependency" },
        { o => o.Dependency = "..", "Dependency" },
        { o => o.Dependency = "-x", "Dependency" },
        { o => o.Dependency = new string('x', 129), "Dependency" },
        { o => o.InstanceId = "a b", "InstanceId" },
        { o => o.MinimumReporters = 0, "MinimumReporters" },
        { o => o.MinimumReporters = 1001, "MinimumReporters" },
        { o => o.MinimumReporterRatio = -0.1, "MinimumReporterRatio" },
        { o => o.MinimumReporterRatio = 1.1, "MinimumReporterRatio" },
        { o => o.MembershipTtl = TimeSpan.FromMilliseconds(500), "MembershipTtl" },
        { o => o.MaxReportTtl = TimeSpan.FromHours(2), "MaxReportTtl" },
        { o => o.KeyPrefix = "cairn/breakers", "KeyPrefix" },
        { o => o.KeyPrefix = "/cairn/", "KeyPrefix" },
        { o => o.KeyPrefix = "cairn/./", "KeyPrefix" },
    };

    public static TheoryData<Action<ClusterSemaphoreOptions>, string> BadSemaphoreOptions => new()
    {
        { o => o.Name = "", "Name" },
        { o => o.Name = "db/x", "Name" },
        { o => o.HolderId = ".", "HolderId" },
        { o => o.PermitLimit = 0, "PermitLimit" },
        { o => o.PermitLimit = 1001, "PermitLimit" },
        { o => o.LeaseTtl = TimeSpan.FromMilliseconds(999), "LeaseTtl" },
        { o => o.LeaseTtl = TimeSpan.FromHours(2), "LeaseTtl" },
        { o => o.KeyPrefix = "", "KeyPrefix" },
    };

    [Theory]
    [MemberData(nameof(BadCircuitOptions))]
    public void A_bad_shared_circuit_setting_is_refused_by_name(Action<SharedCircuitOptions> spoil, string name)
    {
        var options = new SharedCircuitOptions { Dependency = "payments" };
        options.Validate();
        spoil(options);

        Assert.Equal(name, Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Theory]
    [MemberData(nameof(BadSemaphoreOptions))]
    public void A_bad_semaphore_setting_is_refused_by_name(Action<ClusterSemaphoreOptions> spoil, string name)
    {
        var options = new ClusterSemaphoreOptions { Name = "db", PermitLimit = 3 };
        options.Validate();
        spoil(options);

        Assert.Equal(name, Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Fact]
    public void The_strategies_refuse_options_without_their_cluster_object_or_out_of_range()
    {
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnSharedCircuitBreaker(new CairnSharedCircuitBreakerStrategyOptions()));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder<int>().AddCairnSharedCircuitBreaker(new CairnSharedCircuitBreakerStrategyOptions<int>()));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnClusterBulkhead(new CairnClusterBulkheadStrategyOptions()));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnClusterBulkhead(new CairnClusterBulkheadStrategyOptions { QueueLimit = -1 }));
        Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddCairnClusterBulkhead(new CairnClusterBulkheadStrategyOptions { WaitTimeout = TimeSpan.Zero }));
    }

    [Fact]
    public async Task Every_option_of_the_local_breaker_is_handed_on_and_only_the_callbacks_are_wrapped()
    {
        // No cluster is needed: the circuit's background work fails quietly against a closed port until disposed.
        await using var client = new CairnClient([new Uri("http://127.0.0.1:1")]);
        await using var circuit = new SharedCircuit(client, new SharedCircuitOptions { Dependency = "payments" });
        Func<OnCircuitOpenedArguments<int>, ValueTask> onOpened = _ => ValueTask.CompletedTask;
        Func<OnCircuitClosedArguments<int>, ValueTask> onClosed = _ => ValueTask.CompletedTask;
        var options = new CairnSharedCircuitBreakerStrategyOptions<int>
        {
            SharedCircuit = circuit,
            Name = "copied",
            FailureRatio = 0.42,
            MinimumThroughput = 7,
            SamplingDuration = TimeSpan.FromSeconds(11),
            BreakDuration = TimeSpan.FromSeconds(13),
            BreakDurationGenerator = _ => TimeSpan.FromSeconds(3),
            HalfOpenTrialCalls = 4,
            HalfOpenSuccessRatio = 0.75,
            ShouldHandle = _ => ValueTask.FromResult(true),
            ManualControl = new CairnCircuitBreakerManualControl(),
            StateProvider = new CairnCircuitBreakerStateProvider(),
            OnHalfOpened = _ => ValueTask.CompletedTask,
            OnOpened = onOpened,
            OnClosed = onClosed,
        };

        var copy = new SharedCircuitBinding<int>(options).CreateBreakerOptions<CairnCircuitBreakerStrategyOptions<int>>();

        var properties = typeof(CairnCircuitBreakerStrategyOptions<int>).GetProperties().Where(p => p.CanWrite).ToArray();
        Assert.Equal(
            ["BreakDuration", "BreakDurationGenerator", "FailureRatio", "HalfOpenSuccessRatio", "HalfOpenTrialCalls", "ManualControl", "MinimumThroughput",
             "Name", "OnClosed", "OnHalfOpened", "OnOpened", "SamplingDuration", "ShouldHandle", "StateProvider"],
            properties.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var property in properties.Where(p => p.Name is not ("OnOpened" or "OnClosed")))
        {
            Assert.Equal(property.GetValue(options), property.GetValue(copy));
        }

        Assert.NotNull(copy.OnOpened);
        Assert.NotSame(onOpened, copy.OnOpened);
        Assert.NotNull(copy.OnClosed);
        Assert.NotSame(onClosed, copy.OnClosed);
    }
}
