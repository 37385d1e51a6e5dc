using System.Globalization;

namespace Cairn.Cli.Bench;

/// <summary>
/// Runs one closed-loop load: <see cref="BenchOptions.Clients"/> clients, each sending its next request as soon as the
/// previous one is answered, for <see cref="BenchOptions.Duration"/>, through an <see cref="IKvDriver"/>. Before the
/// clock starts it writes every key once when the run reads (so reads find them), then lets each client send a few
/// untimed requests (connections open, code paths compiled). While it runs it rewrites one progress line per second;
/// at the end it reports served requests, failures and latency percentiles.
/// </summary>
/// <remarks>
/// Keys are chosen uniformly at random from <see cref="BenchOptions.Keys"/> (client <c>i</c> seeds its own generator with
/// <c>i</c>, so runs repeat); every value is the same random bytes. Requests still in flight at the deadline are
/// cancelled and not counted. A failed request is counted, not timed, and its client pauses for the error backoff so a
/// node that is down does not turn the run into a busy loop. Time comes from the given <see cref="TimeProvider"/>.
/// </remarks>
internal sealed class LoadRunner(IKvDriver driver, BenchOptions options, TimeProvider time, TextWriter progress, TimeSpan errorBackoff)
{
    /// <summary>Untimed requests before the clock starts, shared among the clients (at least one each).</summary>
    public const int WarmUpRequests = 256;

    /// <summary>
    /// How many times the preload tries one key before the run gives up. The waits between tries double from the error
    /// backoff up to <see cref="MaxPreloadBackoff"/>: with the CLI's 10 ms, about 4 s in all, enough to ride out a
    /// leader election (at most 1 s of election timeout with the server's defaults) on a cluster that just started.
    /// </summary>
    public const int PreloadAttempts = 10;

    /// <summary>The longest wait between two preload tries of one key.</summary>
    public static readonly TimeSpan MaxPreloadBackoff = TimeSpan.FromSeconds(1);

    private const int ProgressWidth = 78;

    private readonly string[] _keys = [.. Enumerable.Range(0, options.Keys).Select(BenchOptions.KeyName)];
    private readonly byte[] _value = MakeValue(options.ValueSizeBytes);
    private readonly LatencyHistogram _latency = new();
    private long _errors;
    private string? _firstError;

    /// <summary>The latencies of the timed requests served so far (microseconds).</summary>
    public LatencyHistogram Latency => _latency;

    /// <summary>Preloads, warms up, runs the timed load and reports. Cancelling stops early and reports what ran.</summary>
    /// <exception cref="CliException">A key could not be preloaded: the cluster is not serving writes.</exception>
    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        if (options.Operation != BenchOperation.Put)
        {
            await PreloadAsync(cancellationToken).ConfigureAwait(false);
        }

        await WarmUpAsync(cancellationToken).ConfigureAwait(false);

        using var deadline = new CancellationTokenSource(options.Duration, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var start = time.GetTimestamp();
        var reporter = ReportProgressAsync(start, stop.Token);
        var clients = Enumerable.Range(0, options.Clients).Select(client => Task.Run(() => ClientAsync(client, stop.Token), CancellationToken.None));
        await Task.WhenAll(clients).ConfigureAwait(false);
        await reporter.ConfigureAwait(false);

        // The run lasted its duration unless it was cancelled early; winding down after the deadline is not counted.
        var seconds = Math.Min(time.GetElapsedTime(start).TotalSeconds, options.Duration.TotalSeconds);
        return new BenchReport(
            driver.Name, options.Operation.ToString().ToLowerInvariant(), options.Consistency, options.Clients, options.ValueSizeBytes, seconds,
            _latency.Count, Interlocked.Read(ref _errors),
            Milliseconds(50), Milliseconds(95), Milliseconds(99), _latency.MaxMicroseconds / 1000.0, Volatile.Read(ref _firstError));
    }

    private async Task ClientAsync(int client, CancellationToken stop)
    {
        var random = new Random(client);
        while (!stop.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            var outcome = await SendAsync(client, random, stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                return; // Answered at or after the deadline (or cancelled by it): outside the timed window.
            }

            if (outcome.Succeeded)
            {
                _latency.Record((long)time.GetElapsedTime(started).TotalMicroseconds);
                continue;
            }

            Interlocked.Increment(ref _errors);
            Interlocked.CompareExchange(ref _firstError, outcome.Error, null);
            if (errorBackoff > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(errorBackoff, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One request of the run's kind to a random key.</summary>
    private ValueTask<KvOutcome> SendAsync(int client, Random random, CancellationToken cancellationToken)
    {
        var key = _keys[random.Next(_keys.Length)];
        var put = options.Operation == BenchOperation.Put || (options.Operation == BenchOperation.Mixed && random.Next(2) == 0);
        return InvokeAsync(put, client, key, cancellationToken);
    }

    /// <summary>One put or get through the driver; an exception becomes a failed outcome.</summary>
    private async ValueTask<KvOutcome> InvokeAsync(bool put, int client, string key, CancellationToken cancellationToken)
    {
        try
        {
            return put
                ? await driver.PutAsync(client, key, _value, cancellationToken).ConfigureAwait(false)
                : await driver.GetAsync(client, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return KvOutcome.Failed($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Writes every key once, with up to 256 requests in flight, retrying each a few times.</summary>
    private Task PreloadAsync(CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Clamp(options.Clients, 16, 256),
            CancellationToken = cancellationToken,
        };
        return Parallel.ForEachAsync(Enumerable.Range(0, _keys.Length), parallel, async (index, token) =>
        {
            var outcome = KvOutcome.Success;
            for (var attempt = 0; attempt < PreloadAttempts; attempt++)
            {
                outcome = await InvokeAsync(put: true, index % options.Clients, _keys[index], token).ConfigureAwait(false);
                if (outcome.Succeeded)
                {
                    return;
                }

                var wait = errorBackoff * Math.Pow(2, attempt);
                await Task.Delay(wait < MaxPreloadBackoff ? wait : MaxPreloadBackoff, time, token).ConfigureAwait(false);
            }

            throw new CliException($"could not write {_keys[index]} before the run: {outcome.Error}");
        });
    }

    /// <summary>A few untimed requests per client, all clients at once; failures are ignored here.</summary>
    private Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var perClient = Math.Max(1, WarmUpRequests / options.Clients);
        return Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async client =>
        {
            var random = new Random(-1 - client);
            for (var i = 0; i < perClient && !cancellationToken.IsCancellationRequested; i++)
            {
                await SendAsync(client, random, cancellationToken).ConfigureAwait(false);
            }
        }));
    }

    /// <summary>Rewrites one line on the progress writer each second (ops/s and p99 so far), and clears it at the end.</summary>
    private async Task ReportProgressAsync(long start, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var seconds = time.GetElapsedTime(start).TotalSeconds;
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{driver.Name} {options.Operation.ToString().ToLowerInvariant()} {seconds:F0}/{options.Duration.TotalSeconds:F0} s  {_latency.Count / seconds:F0} ops/s  p99 {Milliseconds(99):F2} ms  errors {Interlocked.Read(ref _errors)}");
                await progress.WriteAsync("\r" + line.PadRight(ProgressWidth)).ConfigureAwait(false);
                await progress.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }

        await progress.WriteAsync("\r" + new string(' ', ProgressWidth) + "\r").ConfigureAwait(false);
        await progress.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private double Milliseconds(double percent) => _latency.PercentileMicroseconds(percent) / 1000.0;

    private static byte[] MakeValue(int sizeBytes)
    {
        var value = new byte[sizeBytes];
        new Random(sizeBytes).NextBytes(value);
        return value;
    }
}
