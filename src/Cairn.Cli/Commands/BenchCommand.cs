using System.CommandLine;
using Cairn.Cli.Bench;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn bench kv</c>: a closed-loop load generator against the KV API. Prints a live progress line on stderr while it
/// runs and a report (ops/s, errors, p50/p95/p99/max latency) on stdout at the end. Bad flags print one line and exit
/// with 2; a run whose keys cannot even be written first exits with 1.
/// </summary>
internal static class BenchCommand
{
    /// <summary>How long a client waits after a failed request before its next one.</summary>
    private static readonly TimeSpan _errorBackoff = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The <c>bench</c> command. <paramref name="driverFactory"/> picks the system under test (default: Cairn's HTTP
    /// API); bench/Cairn.Benchmarks passes an etcd driver so both are measured by the same runner.
    /// </summary>
    public static Command Create(Option<string?> endpoints, Option<string> output, Func<BenchOptions, IKvDriver>? driverFactory = null)
    {
        var clients = new Option<string>("--clients") { Description = "Concurrent closed-loop clients, 1 to 4096.", DefaultValueFactory = _ => "16" };
        var valueSize = new Option<string>("--value-size") { Description = "Bytes per value, 0 to 1048576 (1 MiB).", DefaultValueFactory = _ => "256" };
        var duration = new Option<string>("--duration") { Description = "Seconds of timed load, 1 to 3600.", DefaultValueFactory = _ => "10" };
        var op = new Option<string>("--op") { Description = "put, get or mixed (half each).", DefaultValueFactory = _ => "put" };
        var consistency = new Option<string>("--consistency")
        {
            Description = "Reads: linearizable (confirmed by a quorum) or stale (served by the node asked).",
            DefaultValueFactory = _ => "linearizable",
        };
        var keys = new Option<string>("--keys") { Description = "Distinct keys, chosen at random per request (reads write each once first), 1 to 1000000.", DefaultValueFactory = _ => "1000" };

        var kv = new Command("kv", "Load the KV API with N concurrent clients for S seconds; print ops/s, errors and p50/p95/p99/max latency.")
        {
            clients, valueSize, duration, op, consistency, keys,
        };
        kv.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var endpointList = parse.GetValue(endpoints) ?? Environment.GetEnvironmentVariable("CAIRN_ENDPOINTS") ?? ClusterClient.LocalEndpoints;
            if (!BenchOptions.TryCreate(
                endpointList, parse.GetValue(clients)!, parse.GetValue(valueSize)!, parse.GetValue(duration)!, parse.GetValue(op)!,
                parse.GetValue(consistency)!, parse.GetValue(keys)!, out var options, out var invalid))
            {
                await error.WriteLineAsync($"cairn bench kv: {invalid}").ConfigureAwait(false);
                return 2;
            }

            var driver = (driverFactory ?? (o => new HttpKvDriver(o)))(options);
            await using (driver.ConfigureAwait(false))
            {
                BenchReport report;
                try
                {
                    report = await new LoadRunner(driver, options, TimeProvider.System, error, _errorBackoff).RunAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (CliException e)
                {
                    await error.WriteLineAsync($"cairn bench kv: {e.Message}").ConfigureAwait(false);
                    return 1;
                }

                var outputWriter = parse.InvocationConfiguration.Output;
                await outputWriter.WriteLineAsync(parse.GetValue(output) == "json" ? report.ToJson() : report.ToTable()).ConfigureAwait(false);
                if (report.Errors > 0)
                {
                    await error.WriteLineAsync($"cairn bench kv: {report.Errors} requests failed; the first: {report.FirstError}").ConfigureAwait(false);
                }

                return 0;
            }
        });

        return new Command("bench", "Benchmarks against a running cluster.") { kv };
    }
}
