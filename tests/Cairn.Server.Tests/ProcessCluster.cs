using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cairn.Cli;
using Cairn.TestKit;

namespace Cairn.Server.Tests;

/// <summary>
/// A cluster of real <c>cairn server</c> processes on loopback with ephemeral ports and temporary data directories,
/// which tests kill (SIGKILL) and restart. Disposing kills every process and deletes the data. Waits poll with deadlines.
/// </summary>
internal sealed class ProcessCluster : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _home = Directory.CreateTempSubdirectory("cairn-test-").FullName;
    private readonly List<string> _names;
    private readonly List<int> _clientPorts;
    private readonly List<int> _peerPorts;
    private readonly List<int> _grpcPorts;
    private readonly List<Process?> _processes;
    private readonly List<string> _joinedAs;
    private readonly string[] _extraArguments;

    /// <param name="size">How many founding members (n1, n2, ...).</param>
    /// <param name="extraArguments">More <c>cairn server</c> flags for every node, e.g. <c>--snapshot-count 50</c>.</param>
    public ProcessCluster(int size, params string[] extraArguments)
    {
        _extraArguments = extraArguments;
        _names = [.. Enumerable.Range(1, size).Select(i => $"n{i}")];
        _clientPorts = [.. Enumerable.Range(0, size).Select(_ => FreePort())];
        _peerPorts = [.. Enumerable.Range(0, size).Select(_ => FreePort())];
        _grpcPorts = [.. Enumerable.Range(0, size).Select(_ => FreePort())];
        _processes = [.. new Process?[size]];
        _joinedAs = [.. Enumerable.Repeat("new", size)];
        for (var i = 0; i < size; i++)
        {
            Start(i);
        }

        Client = new ClusterClient([.. _clientPorts.Select(Url)]);
    }

    public ClusterClient Client { get; }

    public int Size => _names.Count;

    public string Name(int index) => _names[index];

    public Uri Endpoint(int index) => Url(_clientPorts[index]);

    public Uri PeerUrl(int index) => Url(_peerPorts[index]);

    public Uri GrpcEndpoint(int index) => Url(_grpcPorts[index]);

    /// <summary>Reserves ports for one more member (added to the cluster with <c>member add</c> first); returns its index.</summary>
    public int Reserve(string name)
    {
        _names.Add(name);
        _clientPorts.Add(FreePort());
        _peerPorts.Add(FreePort());
        _grpcPorts.Add(FreePort());
        _processes.Add(null);
        _joinedAs.Add("existing");
        return _names.Count - 1;
    }

    public void Start(int index)
    {
        var cluster = string.Join(',', _names.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n}=http://127.0.0.1:{_peerPorts[i]}")));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "cairn.dll"), "server", "--name", _names[index], "--data-dir", Path.Combine(_home, _names[index]),
            "--listen-client-urls", Url(_clientPorts[index]).ToString(),
            "--listen-peer-urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_peerPorts[index]}"),
            "--listen-grpc-urls", Url(_grpcPorts[index]).ToString(),
            "--initial-cluster", cluster, "--initial-cluster-state", _joinedAs[index],
        }.Concat(_extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes[index] = process;
    }

    public void Kill(int index)
    {
        var process = _processes[index];
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process?.Dispose();
        _processes[index] = null;
    }

    /// <summary>The index of the node every reachable node names as leader, once they agree.</summary>
    public async Task<int> WaitForLeaderAsync(int? except = null)
    {
        var leader = -1;
        await Poll.UntilAsync(async () =>
        {
            var leaders = (await StatusesAsync())
                .Where(s => s.Status is { } st && st.GetProperty("role").GetString() == "leader").Select(s => s.Index).ToList();
            leader = leaders.Count == 1 && leaders[0] != except ? leaders[0] : -1;
            return leader >= 0;
        }, "a single leader", Deadline, TimeSpan.FromMilliseconds(50));
        return leader;
    }

    public async Task<List<(int Index, JsonElement? Status)>> StatusesAsync()
    {
        var result = new List<(int, JsonElement?)>();
        for (var i = 0; i < Size; i++)
        {
            result.Add((i, _processes[i] is null ? null : await Client.TryGetFromAsync(Endpoint(i), "/v1/status", CancellationToken.None)));
        }

        return result;
    }

    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        Poll.UntilAsync(condition, what, Deadline, TimeSpan.FromMilliseconds(50));

    public void Dispose()
    {
        for (var i = 0; i < Size; i++)
        {
            Kill(i);
        }

        Client.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    private static Uri Url(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
