using System.Collections.Concurrent;
using Cairn.Cli.Bench;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Cli.Tests.Bench;

/// <summary>
/// The load runner on a fake clock: the fake driver moves the clock on by a fixed latency per request, so the run's
/// length, its request count and every latency are known exactly and nothing waits in real time.
/// </summary>
public sealed class LoadRunnerTests
{
    [Fact]
    public async Task One_client_runs_until_the_deadline_and_times_every_served_request()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeDriver(time, TimeSpan.FromMilliseconds(1)) { ThrowEvery = 4 };
        using var progress = new StringWriter();
        var runner = new LoadRunner(driver, Options(clients: 1, durationSeconds: 2, op: "put"), time, progress, TimeSpan.Zero);

        var report = await runner.RunAsync(CancellationToken.None);

        // 2,000 requests of 1 ms fill the 2 s; the last one ends at the deadline, so it is outside the window.
        Assert.Equal(1_999, report.Ops + report.Errors);
        Assert.Equal(2.0, report.Seconds);
        Assert.InRange(report.Errors, 499, 500);
        Assert.Equal("InvalidOperationException: boom", report.FirstError);
        Assert.Equal(1.0, report.P50Ms);
        Assert.Equal(1.0, report.P99Ms);
        Assert.Equal(1.0, report.MaxMs);
        Assert.Equal(report.Ops / 2.0, report.OpsPerSecond);
        Assert.Equal(("fake", "put", 1, 256), (report.Target, report.Operation, report.Clients, report.ValueSizeBytes));
        Assert.Contains("\rfake put 1/2 s", progress.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("\r", progress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warm_up_requests_are_sent_before_the_clock_starts_and_not_counted()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeDriver(time, TimeSpan.FromMilliseconds(1));
        var runner = new LoadRunner(driver, Options(clients: 1, durationSeconds: 1, op: "put"), time, TextWriter.Null, TimeSpan.Zero);

        var report = await runner.RunAsync(CancellationToken.None);

        Assert.Equal(999, report.Ops);
        Assert.Equal(LoadRunner.WarmUpRequests + 1_000, driver.Requests);
    }

    [Fact]
    public async Task Reads_find_every_key_written_once_before_the_run()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeDriver(time, TimeSpan.FromMilliseconds(1));
        var runner = new LoadRunner(driver, Options(clients: 4, durationSeconds: 1, op: "get", keys: 50), time, TextWriter.Null, TimeSpan.Zero);

        var report = await runner.RunAsync(CancellationToken.None);

        Assert.Equal(50, driver.Written.Count);
        Assert.All(driver.Written.Values, count => Assert.Equal(1, count));
        Assert.Equal(0, report.Errors);
        Assert.True(report.Ops > 0);
        Assert.Equal("get", report.Operation);
    }

    [Fact]
    public async Task A_key_that_cannot_be_written_before_a_read_run_stops_it_with_the_reason()
    {
        var time = new FakeTimeProvider();
        var driver = new FakeDriver(time, TimeSpan.Zero) { FailPuts = true };
        var runner = new LoadRunner(driver, Options(clients: 2, durationSeconds: 1, op: "get", keys: 3), time, TextWriter.Null, TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<CliException>(() => runner.RunAsync(CancellationToken.None));

        Assert.Contains("HTTP 503 unavailable", error.Message, StringComparison.Ordinal);
    }

    private static BenchOptions Options(int clients, int durationSeconds, string op, int keys = 100)
    {
        Assert.True(BenchOptions.TryCreate(
            "http://127.0.0.1:1", $"{clients}", "256", $"{durationSeconds}", op, "linearizable", $"{keys}", out var options, out var error), error);
        return options;
    }

    /// <summary>Each request advances the fake clock by the latency; puts remember keys, gets fail on unknown keys.</summary>
    private sealed class FakeDriver(FakeTimeProvider time, TimeSpan latency) : IKvDriver
    {
        private long _requests;

        public int ThrowEvery { get; init; }

        public bool FailPuts { get; init; }

        public ConcurrentDictionary<string, int> Written { get; } = new();

        public long Requests => Interlocked.Read(ref _requests);

        public string Name => "fake";

        public ValueTask<KvOutcome> PutAsync(int client, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
        {
            Step();
            if (FailPuts)
            {
                return ValueTask.FromResult(KvOutcome.Failed("HTTP 503 unavailable"));
            }

            Written.AddOrUpdate(key, 1, (_, count) => count + 1);
            return ValueTask.FromResult(KvOutcome.Success);
        }

        public ValueTask<KvOutcome> GetAsync(int client, string key, CancellationToken cancellationToken)
        {
            Step();
            return ValueTask.FromResult(Written.ContainsKey(key) ? KvOutcome.Success : KvOutcome.Failed("HTTP 404 not_found"));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void Step()
        {
            var request = Interlocked.Increment(ref _requests);
            time.Advance(latency);
            if (ThrowEvery > 0 && request % ThrowEvery == 0)
            {
                throw new InvalidOperationException("boom");
            }
        }
    }
}
