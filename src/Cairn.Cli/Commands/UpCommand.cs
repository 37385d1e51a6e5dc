using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn up</c>: a local cluster of real <c>cairn server</c> processes with data under <c>./.cairn/</c>; runs until
/// Ctrl+C and then stops every child. Restarting keeps the data.
/// </summary>
internal static class UpCommand
{
    private const int FirstClientPort = 7101;
    private const int FirstPeerPort = 7201;

    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Cluster size: 1, 3 or 5.", DefaultValueFactory = _ => 3 };
        nodes.AcceptOnlyFromAmong("1", "3", "5");
        var command = new Command("up", "Start a local cluster of real processes and its endpoints; Ctrl+C stops it.") { nodes };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(nodes);
            var home = Path.Combine(Directory.GetCurrentDirectory(), ".cairn");
            var names = Enumerable.Range(1, count).Select(i => $"n{i}").ToArray();
            var cluster = string.Join(',', names.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n}=http://127.0.0.1:{FirstPeerPort + i}")));
            var children = new List<Process>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            try
            {
                for (var i = 0; i < count; i++)
                {
                    children.Add(StartNode(home, names[i], i, cluster));
                }

                var endpoints = string.Join(',', Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FirstClientPort + i}")));
                Console.WriteLine($"cairn: {count}-node cluster starting, data in {home}, logs in {Path.Combine(home, "logs")}");
                for (var i = 0; i < count; i++)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {names[i]}  client http://127.0.0.1:{FirstClientPort + i}  peer http://127.0.0.1:{FirstPeerPort + i}  grpc http://127.0.0.1:{FirstClientPort + i + 10_000}  pid {children[i].Id}"));
                }

                Console.WriteLine($"endpoints: {endpoints}");
                await ReportLeaderAsync(endpoints, stop.Token).ConfigureAwait(false);
                Console.WriteLine("cairn: running; Ctrl+C stops every node");
                // A node that dies (or is killed to watch a failover) is reported; the others keep running.
                for (var i = 0; i < children.Count; i++)
                {
                    var (child, nodeName) = (children[i], names[i]);
                    child.Exited += (_, _) => Console.WriteLine($"cairn: {nodeName} (pid {child.Id}) exited with code {child.ExitCode}");
                }

                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop the children below.
            }
            finally
            {
                foreach (var child in children.Where(c => !c.HasExited))
                {
                    child.Kill(entireProcessTree: true);
                }

                foreach (var child in children)
                {
                    await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    child.Dispose();
                }

                Console.WriteLine("cairn: every node stopped");
            }

            return 0;
        });
        return command;
    }

    private static Process StartNode(string home, string name, int index, string cluster)
    {
        var logs = Directory.CreateDirectory(Path.Combine(home, "logs")).FullName;
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(typeof(UpCommand).Assembly.Location);
        }

        foreach (var argument in new[]
        {
            "server", "--name", name, "--data-dir", Path.Combine(home, "data", name),
            "--listen-client-urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FirstClientPort + index}"),
            "--listen-peer-urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FirstPeerPort + index}"),
            "--initial-cluster", cluster, "--initial-cluster-state", "new",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new CliException($"could not start {name}");
        var log = new StreamWriter(Path.Combine(logs, $"{name}.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static async Task ReportLeaderAsync(string endpoints, CancellationToken cancellationToken)
    {
        using var client = ClusterClient.FromOption(endpoints);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var endpoint in client.Endpoints)
            {
                if (await client.TryGetFromAsync(endpoint, "/readyz", cancellationToken).ConfigureAwait(false) is { } ready
                    && ready.TryGetProperty("leader", out var leader))
                {
                    Console.WriteLine($"cairn: leader is {leader.GetString()}");
                    return;
                }
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine("cairn: no leader yet after 30 s; see the logs");
    }
}
