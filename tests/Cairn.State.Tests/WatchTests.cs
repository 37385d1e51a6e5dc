using Cairn.State.Kv;
using Cairn.State.Watch;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>Watches: apply emits change events in revision order; the hub delivers each matching event from the start
/// revision once, in order, without gaps; compacted starts get a clear error; slow watchers are cancelled with a
/// revision to resume from.</summary>
public sealed class WatchTests
{
    /// <summary>A machine and a hub fed after every apply, as the node's apply loop does.</summary>
    private sealed class Fed(StateMachineOptions? options = null, WatchHubOptions? hubOptions = null)
    {
        public Harness H { get; } = new(options);

        public WatchHub Hub { get; } = new(hubOptions);

        public List<WatchEvent> All { get; } = [];

        public ApplyResult Apply(StateCommand command)
        {
            var result = H.Apply(command);
            All.AddRange(result.Events);
            Hub.Publish(result);
            return result;
        }

        public void Put(string key, string value) => Apply(new KvPutCommand(B(key), B(value)));
    }

    private static List<WatchEvent> Drain(WatchSubscription subscription)
    {
        var events = new List<WatchEvent>();
        while (subscription.Events.TryRead(out var e))
        {
            events.Add(e);
        }
        return events;
    }

    private static string Describe(IEnumerable<WatchEvent> events) =>
        string.Join(" ", events.Select(e => $"{e.Type}:{S(e.Kv.Key)}@{e.Revision}"));

    [Fact]
    public void Apply_emits_put_and_delete_events_with_revisions_and_previous_values()
    {
        var h = new Harness();
        var put = h.Apply(new KvPutCommand(B("k"), B("1"))).Events.Single();
        Assert.Equal((WatchEventType.Put, 2UL, 1UL, (KeyValue?)null), (put.Type, put.Revision, put.Kv.Version, put.PrevKv));
        var update = h.Apply(new KvPutCommand(B("k"), B("2"))).Events.Single();
        Assert.Equal("1", S(update.PrevKv!.Value));
        var delete = h.Apply(new KvDeleteCommand(B("k"))).Events.Single();
        Assert.Equal((WatchEventType.Delete, 4UL, 0UL, 0UL, "2"), (delete.Type, delete.Revision, delete.Kv.CreateRevision, delete.Kv.Version, S(delete.PrevKv!.Value)));
    }

    [Fact]
    public void A_watch_on_a_key_or_prefix_from_a_past_revision_gets_history_then_live_events()
    {
        var f = new Fed();
        f.Put("a/1", "x");     // 2
        f.Put("b", "x");       // 3
        f.Put("a/2", "x");     // 4
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("a/"), Prefix: true, StartRevision: 3), out var prefix, out _));
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("b"), StartRevision: 1), out var key, out _));
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("a/1")), out var future, out _));
        f.Put("a/1", "y");     // 5
        f.Apply(new KvDeleteCommand(B("a/"), Prefix: true)); // 6
        Assert.Equal("Put:a/2@4 Put:a/1@5 Delete:a/1@6 Delete:a/2@6", Describe(Drain(prefix!)));
        Assert.Equal("Put:b@3", Describe(Drain(key!)));
        Assert.Equal("Put:a/1@5 Delete:a/1@6", Describe(Drain(future!)));
    }

    [Fact]
    public void Previous_values_are_sent_only_when_asked()
    {
        var f = new Fed();
        f.Put("k", "1");
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("k"), PrevKv: true), out var with, out _));
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("k")), out var without, out _));
        f.Put("k", "2");
        Assert.Equal("1", S(Drain(with!).Single().PrevKv!.Value));
        Assert.Null(Drain(without!).Single().PrevKv);
    }

    [Fact]
    public void A_start_below_the_compaction_point_is_refused_with_revision_compacted()
    {
        var f = new Fed();
        for (var i = 0; i < 5; i++)
        {
            f.Put("k", $"{i}");  // revisions 2..6
        }
        var compact = Assert.IsType<KvCompactResponse>(f.Apply(new KvCompactCommand(5)).Response);
        Assert.Equal(5UL, compact.CompactRevision);
        Assert.False(f.Hub.TrySubscribe(new WatchRequest(B("k"), StartRevision: 4), out _, out var error));
        Assert.Equal(StateStatus.RevisionCompacted, error!.Code);
        Assert.Equal("startRevision 4 is below the compaction point 5", error.Message);
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("k"), StartRevision: 5), out var ok, out _));
        Assert.Equal("Put:k@5 Put:k@6", Describe(Drain(ok!)));
        Assert.Equal(StateStatus.RevisionCompacted, f.Apply(new KvCompactCommand(5)).Response.Status);
        Assert.Equal(StateStatus.RevisionCompacted, f.Apply(new KvCompactCommand(3)).Response.Status);
    }

    [Fact]
    public void History_beyond_its_bound_is_compacted_by_whole_revisions()
    {
        var f = new Fed(new StateMachineOptions { MaxHistoryEvents = 3 }, new WatchHubOptions { MaxHistoryEvents = 3 });
        f.Apply(new KvTxnCommand([], [new KvPutCommand(B("a"), B("1")), new KvPutCommand(B("b"), B("1"))], [])); // 2 (two events)
        f.Put("c", "1"); // 3
        f.Put("d", "1"); // 4 -> four events: revision 2 goes whole
        Assert.Equal(3UL, f.H.Machine.Kv.CompactRevision);
        Assert.Equal(3UL, f.Hub.CompactRevision);
        Assert.Equal(2, f.H.Machine.Kv.History.Count);
        Assert.False(f.Hub.TrySubscribe(new WatchRequest([], Prefix: true, StartRevision: 2), out _, out _));
    }

    [Fact]
    public void The_history_byte_bound_compacts_whole_revisions_and_snapshots_stay_valid()
    {
        var f = new Fed(new StateMachineOptions { MaxHistoryBytes = 1000 }, new WatchHubOptions { MaxHistoryBytes = 1000 });
        f.Put("small", "1"); // 2
        f.Apply(new KvTxnCommand([], [new KvPutCommand(B("a"), new byte[420]), new KvPutCommand(B("b"), new byte[420])], [])); // 3
        Assert.Equal(3UL, f.H.Machine.Kv.CompactRevision);
        f.Apply(new KvTxnCommand([], [new KvPutCommand(B("c"), new byte[600]), new KvPutCommand(B("d"), new byte[600])], [])); // 4, alone too big
        Assert.Equal(5UL, f.H.Machine.Kv.CompactRevision);
        Assert.Empty(f.H.Machine.Kv.History);
        Assert.Equal(5UL, f.Hub.CompactRevision);
        var restored = new StateMachine(new StateMachineOptions { MaxHistoryBytes = 1000 });
        Assert.True(restored.TryRestore(f.H.Machine.Snapshot(), out var error), error);
        Assert.True(f.Hub.TrySubscribe(new WatchRequest([], Prefix: true, StartRevision: 5), out var s, out _));
        f.Put("e", "1");
        Assert.Equal("Put:e@5", Describe(Drain(s!)));
    }

    [Fact]
    public void Watchers_starting_anywhere_get_every_matching_event_once_in_order()
    {
        var f = new Fed();
        var random = new Random(1234);
        var subscriptions = new List<(WatchSubscription Subscription, ulong Start)>();
        for (var step = 0; step < 300; step++)
        {
            var key = $"k{random.Next(5)}";
            if (random.Next(4) == 0)
            {
                f.Apply(new KvDeleteCommand(B("k"), Prefix: random.Next(2) == 0));
            }
            else
            {
                f.Put(key, $"{step}");
            }
            if (step % 20 == 0)
            {
                var start = (ulong)random.Next(1, (int)f.H.Machine.Revision + 2);
                Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("k"), Prefix: true, StartRevision: start), out var s, out _));
                subscriptions.Add((s!, start));
            }
        }
        foreach (var (subscription, start) in subscriptions)
        {
            var expected = f.All.Where(e => e.Revision >= start).ToList();
            var received = Drain(subscription);
            Assert.Equal(Describe(expected), Describe(received));
        }
    }

    [Fact]
    public void A_lagging_watcher_is_cancelled_with_a_revision_that_resumes_without_gap_or_duplicate()
    {
        var f = new Fed(hubOptions: new WatchHubOptions { SubscriberBufferEvents = 3 });
        Assert.True(f.Hub.TrySubscribe(new WatchRequest([], Prefix: true), out var slow, out _));
        f.Put("a", "1"); // 2
        f.Apply(new KvTxnCommand([], [new KvPutCommand(B("b"), B("1")), new KvPutCommand(B("c"), B("1"))], [])); // 3: two events
        f.Put("d", "1"); // 4: no room, cancelled
        f.Put("e", "1"); // 5
        var received = Drain(slow!);
        Assert.Equal("Put:a@2 Put:b@3 Put:c@3", Describe(received));
        Assert.True(slow!.Events.Completion.IsFaulted);
        var cancelled = Assert.IsType<WatchCancelledException>(slow.Events.Completion.Exception!.InnerException);
        Assert.Equal((WatchCancelReason.Lagged, 4UL), (cancelled.Reason, cancelled.ResumeRevision));
        Assert.True(f.Hub.TrySubscribe(new WatchRequest([], Prefix: true, StartRevision: cancelled.ResumeRevision), out var resumed, out _));
        Assert.Equal("Put:d@4 Put:e@5", Describe(Drain(resumed!)));
        Assert.Equal(1, f.Hub.SubscriptionCount);
    }

    [Fact]
    public void Reset_and_dispose_end_subscriptions_and_dispose_of_a_subscription_completes_it()
    {
        var f = new Fed();
        f.Put("a", "1");
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("a")), out var reset, out _));
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("a")), out var disposed, out _));
        disposed!.Dispose();
        Assert.True(disposed.Events.Completion.IsCompletedSuccessfully);
        f.Hub.Reset(f.H.Machine);
        Assert.Equal(WatchCancelReason.Reset, Assert.IsType<WatchCancelledException>(reset!.Events.Completion.Exception!.InnerException).Reason);
        Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("a"), StartRevision: 2), out var after, out _));
        Assert.Equal("Put:a@2", Describe(Drain(after!)));
        f.Hub.Dispose();
        Assert.Equal(WatchCancelReason.HubDisposed, Assert.IsType<WatchCancelledException>(after!.Events.Completion.Exception!.InnerException).Reason);
        Assert.False(f.Hub.TrySubscribe(new WatchRequest(B("a")), out _, out _));
    }

    [Fact]
    public void A_hub_seeded_from_a_restored_machine_serves_the_same_history()
    {
        var f = new Fed();
        f.Put("a", "1");
        f.Put("a", "2");
        var restored = new StateMachine();
        Assert.True(restored.TryRestore(f.H.Machine.Snapshot(), out _));
        using var hub = new WatchHub();
        hub.Reset(restored);
        Assert.True(hub.TrySubscribe(new WatchRequest(B("a"), StartRevision: 1, PrevKv: true), out var s, out _));
        Assert.Equal(Describe(f.All), Describe(Drain(s!)));
    }

    [Fact]
    public void Bad_watch_requests_are_refused_with_the_field_named()
    {
        using var hub = new WatchHub(new WatchHubOptions { MaxSubscriptions = 1 });
        Assert.False(hub.TrySubscribe(new WatchRequest([]), out _, out var empty));
        Assert.Equal(StateStatus.InvalidArgument, empty!.Code);
        Assert.False(hub.TrySubscribe(new WatchRequest(new byte[KvLimits.MaxKeyBytes + 1]), out _, out var large));
        Assert.StartsWith("key is 1025 bytes", large!.Message, StringComparison.Ordinal);
        Assert.True(hub.TrySubscribe(new WatchRequest(B("a")), out _, out _));
        Assert.False(hub.TrySubscribe(new WatchRequest(B("b")), out _, out var full));
        Assert.Equal(StateStatus.TooLarge, full!.Code);
    }

    [Fact]
    public async Task Subscribing_from_another_thread_while_apply_publishes_loses_and_repeats_nothing()
    {
        var f = new Fed(hubOptions: new WatchHubOptions { SubscriberBufferEvents = 100_000 });
        const int Writes = 3000;
        using var published = new ManualResetEventSlim();
        var subscriber = Task.Run(() =>
        {
            var subscriptions = new List<(WatchSubscription, ulong)>();
            for (var i = 0; i < 30; i++)
            {
                // Start at the hub's latest revision, or a little behind it, racing the publisher.
                var start = Math.Max(1, f.Hub.Revision - (ulong)(i % 3));
                Assert.True(f.Hub.TrySubscribe(new WatchRequest(B("k"), Prefix: true, StartRevision: start), out var s, out _));
                subscriptions.Add((s!, start));

                // Spread the subscriptions over the publishing: wait for the next revision (or the end of the writes).
                var seen = f.Hub.Revision;
                SpinWait.SpinUntil(() => f.Hub.Revision != seen || published.IsSet, TimeSpan.FromSeconds(5));
            }
            return subscriptions;
        });
        for (var i = 0; i < Writes; i++)
        {
            f.Put($"k{i % 5}", "v");
        }

        published.Set();
        foreach (var (subscription, start) in await subscriber)
        {
            var expected = Enumerable.Range(2, Writes).Select(r => (ulong)r).Where(r => r >= start);
            Assert.Equal(expected, Drain(subscription).Select(e => e.Revision));
        }
    }

    [Fact]
    public async Task A_concurrent_reader_sees_every_event_in_order_while_apply_publishes()
    {
        var f = new Fed(hubOptions: new WatchHubOptions { SubscriberBufferEvents = 100_000 });
        Assert.True(f.Hub.TrySubscribe(new WatchRequest([], Prefix: true), out var s, out _));
        var reader = Task.Run(async () =>
        {
            var revisions = new List<ulong>();
            await foreach (var e in s!.Events.ReadAllAsync())
            {
                revisions.Add(e.Revision);
            }
            return revisions;
        });
        for (var i = 0; i < 2000; i++)
        {
            f.Put($"k{i % 7}", "v");
        }
        s!.Dispose();
        var received = await reader;
        Assert.Equal(Enumerable.Range(2, 2000).Select(i => (ulong)i), received);
    }
}
