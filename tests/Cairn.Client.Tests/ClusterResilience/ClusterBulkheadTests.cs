using System.Collections.Concurrent;
using System.Diagnostics;
using Cairn.Client.Cluster;
using Cairn.Client.Tests.Cluster;
using Cairn.Resilience.Cluster.Bulkhead;
using Cairn.TestKit;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Xunit.Abstractions;

namespace Cairn.Client.Tests.ClusterResilience;

/// <summary>
/// The cluster-wide bulkhead against a real in-process cluster: several instances (each its own client and semaphore)
/// share one semaphore name under a key prefix of their own per test.
/// </summary>
[Collection(ClusterResilienceCollection.Name)]
public sealed class ClusterBulkheadTests(SharedClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(5);
    private readonly string _prefix = $"test/{Guid.NewGuid():N}/semaphores/";

    private InProcessCluster Cluster => fixture.Cluster;

    private string SlotsPrefix => $"{_prefix}db/slots/";

    [Fact]
    public async Task Twenty_callers_on_three_instances_never_exceed_three_permits_and_leak_none()
    {
        const int Callers = 20;
        const int CallsPerCaller = 3;
        var clients = Enumerable.Range(0, 3).Select(_ => Cluster.Client()).ToArray();
        var semaphores = clients.Select((client, i) => Semaphore(client, $"h{i}", permits: 3)).ToArray();
        var pipelines = semaphores.Select(s => new ResiliencePipelineBuilder()
            .AddCairnClusterBulkhead(new CairnClusterBulkheadStrategyOptions { Semaphore = s, QueueLimit = Callers, WaitTimeout = TimeSpan.FromSeconds(20) })
            .Build()).ToArray();
        try
        {
            var inside = 0;
            var maxInside = 0;
            var tokensBySlot = new ConcurrentDictionary<int, List<long>>();
            var outcomes = new ConcurrentDictionary<string, int>();
            var started = Stopwatch.StartNew();

            await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
            {
                for (var call = 0; call < CallsPerCaller; call++)
                {
                    // Every fifth caller gives up after a short while (during its wait or its call); every fourth call throws.
                    using var giveUp = caller % 5 == 0 ? new CancellationTokenSource(TimeSpan.FromMilliseconds(5 + (7 * caller))) : new CancellationTokenSource();
                    var context = ResilienceContextPool.Shared.Get(giveUp.Token);
                    try
                    {
                        await pipelines[caller % 3].ExecuteAsync(
                            async (ctx, state) =>
                            {
                                InterlockedMax(ref maxInside, Interlocked.Increment(ref inside));
                                try
                                {
                                    var permit = ctx.GetClusterSemaphorePermit()!;
                                    var tokens = tokensBySlot.GetOrAdd(permit.Slot, _ => []);
                                    lock (tokens)
                                    {
                                        tokens.Add(permit.FencingToken);
                                    }

                                    // Real work against the cluster while holding the permit: a linearizable read.
                                    await state.GetAsync("bulkhead/work", cancellationToken: ctx.CancellationToken);
                                }
                                finally
                                {
                                    Interlocked.Decrement(ref inside);
                                }

                                if (call % 4 == 1)
                                {
                                    throw new InvalidOperationException("the call failed");
                                }
                            },
                            context,
                            clients[caller % 3]);
                        outcomes.AddOrUpdate("ok", 1, (_, n) => n + 1);
                    }
                    catch (Exception e)
                    {
                        outcomes.AddOrUpdate(e is OperationCanceledException ? "cancelled" : e.GetType().Name, 1, (_, n) => n + 1);
                    }
                    finally
                    {
                        ResilienceContextPool.Shared.Return(context);
                    }
                }
            })));

            output.WriteLine($"{Callers * CallsPerCaller} calls in {started.ElapsedMilliseconds} ms; at most {maxInside} inside; outcomes {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}");
            Assert.InRange(maxInside, 2, 3);
            Assert.Equal(Callers * CallsPerCaller, outcomes.Values.Sum());
            Assert.Empty(outcomes.Keys.Except(["ok", "cancelled", nameof(InvalidOperationException)]));
            Assert.True(outcomes.GetValueOrDefault("ok") > 0);
            Assert.True(outcomes.GetValueOrDefault(nameof(InvalidOperationException)) > 0);

            // Each reuse of a slot has a larger token, and no two permits ever had the same one.
            foreach (var (slot, tokens) in tokensBySlot)
            {
                Assert.True(tokens.Zip(tokens.Skip(1)).All(p => p.First < p.Second), $"slot {slot}: tokens {string.Join(", ", tokens)}");
            }

            var all = tokensBySlot.Values.SelectMany(t => t).ToArray();
            Assert.Equal(all.Length, all.Distinct().Count());

            // Nothing leaks: cancelled acquisitions that won a slot are released in the background.
            await Poll.UntilAsync(async () => (await clients[0].RangeAsync(SlotsPrefix)).Kvs.Count == 0, "every slot to be free", _deadline);
            Assert.All(semaphores, s => Assert.Equal(0, s.HeldCount));
        }
        finally
        {
            await DisposeAllAsync(semaphores, clients);
        }
    }

    [Fact]
    public async Task A_holder_whose_lease_is_revoked_frees_its_permit_and_learns_that_it_lost_it()
    {
        await using var clientA = Cluster.Client();
        await using var clientB = Cluster.Client();
        await using var a = Semaphore(clientA, "a", permits: 1);
        await using var b = Semaphore(clientB, "b", permits: 1);

        var held = await a.AcquireAsync().WaitAsync(_deadline);
        using var wait = new CancellationTokenSource(_deadline);
        var waiting = b.AcquireAsync(wait.Token);
        Assert.False(waiting.IsCompleted);

        await clientA.RevokeLeaseAsync(a.SessionLeaseId);

        var taken = await waiting.WaitAsync(_deadline);
        Assert.Equal(0, taken.Slot);
        Assert.True(taken.FencingToken > held.FencingToken);
        await Poll.UntilAsync(() => held.IsLost, "a to learn that it lost its permit", _deadline);
        Assert.Equal(0, a.HeldCount);

        // Releasing the lost permit must not touch b's.
        await held.DisposeAsync();
        Assert.Equal(taken.FencingToken, (await clientB.GetAsync(taken.Key))?.ModRevision);

        // a gets a permit again once b releases, on a new session lease.
        await taken.DisposeAsync();
        await using var again = await a.AcquireAsync().WaitAsync(_deadline);
        Assert.NotEqual(held.LeaseId, again.LeaseId);
        Assert.True(again.FencingToken > taken.FencingToken);
    }

    [Fact]
    public async Task A_crashed_holder_s_permit_returns_when_its_lease_expires()
    {
        var clientA = Cluster.Client();
        await using var a = Semaphore(clientA, "a", permits: 1, leaseTtl: TimeSpan.FromSeconds(2));
        await using var clientB = Cluster.Client();
        await using var b = Semaphore(clientB, "b", permits: 1);
        var held = await a.AcquireAsync().WaitAsync(_deadline);

        // The holder's process dies: no more renewals and no release.
        await clientA.DisposeAsync();
        var since = Stopwatch.StartNew();
        await using var taken = await b.AcquireAsync().WaitAsync(TimeSpan.FromSeconds(8));

        output.WriteLine($"the permit returned {since.ElapsedMilliseconds} ms after the crash (lease TTL 2 s)");
        Assert.True(taken.FencingToken > held.FencingToken);
    }

    [Fact]
    public async Task A_call_whose_permit_is_lost_ends_with_a_permit_lost_exception_and_an_event()
    {
        await using var client = Cluster.Client();
        await using var semaphore = Semaphore(client, "a", permits: 1);
        var name = $"bulkhead-{Guid.NewGuid():N}";
        using var events = new PollyEventRecorder(name);
        var builder = new ResiliencePipelineBuilder { Name = name }.AddCairnClusterBulkhead(new CairnClusterBulkheadStrategyOptions { Semaphore = semaphore });
        builder.ConfigureTelemetry(new Polly.Telemetry.TelemetryOptions());
        var pipeline = builder.Build();
        var running = new TaskCompletionSource<ClusterSemaphorePermit>(TaskCreationOptions.RunContinuationsAsynchronously);

        var context = ResilienceContextPool.Shared.Get();
        var lost = pipeline.ExecuteAsync(
            async ctx =>
            {
                var permit = ctx.GetClusterSemaphorePermit()!;
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken, permit.Lost);
                running.SetResult(permit);
                await Task.Delay(Timeout.Infinite, stop.Token);
            },
            context).AsTask();
        var held = await running.Task.WaitAsync(_deadline);
        await client.RevokeLeaseAsync(held.LeaseId);

        var error = await Assert.ThrowsAsync<ClusterSemaphorePermitLostException>(() => lost).WaitAsync(_deadline);
        Assert.Equal((held.Slot, held.FencingToken), (error.Slot, error.FencingToken));
        Assert.Null(context.GetClusterSemaphorePermit());
        Assert.Equal(1, events.Count(ClusterBulkheadEvents.PermitLost));
        ResilienceContextPool.Shared.Return(context);
    }

    [Fact]
    public async Task Calls_are_rejected_when_the_queue_is_full_or_the_wait_times_out_and_cancelled_waiters_leave_nothing_held()
    {
        await using var client = Cluster.Client();
        await using var holder = Semaphore(client, "holder", permits: 1);
        await using var semaphore = Semaphore(client, "waiter", permits: 1);
        var time = new FakeTimeProvider();
        var rejected = new ConcurrentQueue<ClusterBulkheadRejectionReason>();
        var noQueue = new ResiliencePipelineBuilder()
            .AddCairnClusterBulkhead(new CairnClusterBulkheadStrategyOptions { Semaphore = semaphore, OnRejected = args => Record(args.Reason) })
            .Build();
        var queued = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCairnClusterBulkhead(new CairnClusterBulkheadStrategyOptions { Semaphore = semaphore, QueueLimit = 1, WaitTimeout = TimeSpan.FromSeconds(5), OnRejected = args => Record(args.Reason) })
            .Build();
        var held = await holder.AcquireAsync().WaitAsync(_deadline);
        await Poll.UntilAsync(() => semaphore.Synchronized.IsCompleted && semaphore.AvailableCount == 0, "the waiter to see the slot taken", _deadline);

        var full = await Assert.ThrowsAsync<ClusterBulkheadRejectedException>(async () => await noQueue.ExecuteAsync(static _ => ValueTask.CompletedTask));
        Assert.Equal((ClusterBulkheadRejectionReason.QueueFull, "db", 1), (full.Reason, full.SemaphoreName, full.PermitLimit));

        var waiting = queued.ExecuteAsync(static _ => ValueTask.CompletedTask).AsTask();
        var beyondQueue = await Assert.ThrowsAsync<ClusterBulkheadRejectedException>(async () => await queued.ExecuteAsync(static _ => ValueTask.CompletedTask));
        Assert.Equal(ClusterBulkheadRejectionReason.QueueFull, beyondQueue.Reason);
        await Poll.UntilAsync(() => { time.Advance(TimeSpan.FromSeconds(1)); return waiting.IsCompleted; }, "the wait to time out", _deadline);
        Assert.Equal(ClusterBulkheadRejectionReason.WaitTimeout, (await Assert.ThrowsAsync<ClusterBulkheadRejectedException>(() => waiting)).Reason);
        Assert.Equal([ClusterBulkheadRejectionReason.QueueFull, ClusterBulkheadRejectionReason.QueueFull, ClusterBulkheadRejectionReason.WaitTimeout], rejected);

        using var giveUp = new CancellationTokenSource();
        var cancelled = Enumerable.Range(0, 5).Select(_ => semaphore.AcquireAsync(giveUp.Token)).ToArray();
        await giveUp.CancelAsync();
        foreach (var task in cancelled)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task).WaitAsync(_deadline);
        }

        await held.DisposeAsync();
        await queued.ExecuteAsync(static _ => ValueTask.CompletedTask).AsTask().WaitAsync(_deadline);
        await Poll.UntilAsync(async () => (await client.RangeAsync(SlotsPrefix)).Kvs.Count == 0, "every slot to be free", _deadline);
        Assert.Equal(0, semaphore.HeldCount);

        ValueTask Record(ClusterBulkheadRejectionReason reason)
        {
            rejected.Enqueue(reason);
            return ValueTask.CompletedTask;
        }
    }

    private ClusterSemaphore Semaphore(CairnClient client, string holder, int permits, TimeSpan? leaseTtl = null) => new(client, new ClusterSemaphoreOptions
    {
        Name = "db",
        PermitLimit = permits,
        HolderId = holder,
        KeyPrefix = _prefix,
        LeaseTtl = leaseTtl ?? TimeSpan.FromSeconds(10),
        OnError = e => output.WriteLine($"{holder}: {e.GetType().Name}: {e.Message}"),
    });

    private static async Task DisposeAllAsync(ClusterSemaphore[] semaphores, CairnClient[] clients)
    {
        foreach (var semaphore in semaphores)
        {
            await semaphore.DisposeAsync();
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
