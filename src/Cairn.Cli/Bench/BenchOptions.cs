using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cairn.Cli.Bench;

/// <summary>
/// The validated settings of one <c>cairn bench kv</c> run. Built only through <see cref="TryCreate"/>, which checks every
/// limit and names the offending flag, so a run never starts with a setting it cannot honour.
/// </summary>
internal sealed record BenchOptions
{
    /// <summary>The most concurrent clients: each is one task and may hold one connection.</summary>
    public const int MaxClients = 4096;

    /// <summary>The largest value, as the server's limit (1 MiB).</summary>
    public const int MaxValueSizeBytes = 1 << 20;

    /// <summary>The longest run (one hour).</summary>
    public const int MaxDurationSeconds = 3600;

    /// <summary>The largest key space; reads preload every key once, so this also bounds the preload.</summary>
    public const int MaxKeys = 1_000_000;

    private BenchOptions(IReadOnlyList<Uri> endpoints, int clients, int valueSizeBytes, TimeSpan duration, BenchOperation operation, bool linearizable, int keys)
    {
        Endpoints = endpoints;
        Clients = clients;
        ValueSizeBytes = valueSizeBytes;
        Duration = duration;
        Operation = operation;
        Linearizable = linearizable;
        Keys = keys;
    }

    /// <summary>The client URLs; client <c>i</c> talks to endpoint <c>i mod count</c>.</summary>
    public IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>Concurrent closed-loop clients: each sends its next request when the previous one is answered.</summary>
    public int Clients { get; }

    /// <summary>The size of every value written.</summary>
    public int ValueSizeBytes { get; }

    /// <summary>How long the timed part of the run lasts.</summary>
    public TimeSpan Duration { get; }

    /// <summary>What each request does.</summary>
    public BenchOperation Operation { get; }

    /// <summary>Whether reads are linearizable (confirmed by a quorum) rather than stale (served locally).</summary>
    public bool Linearizable { get; }

    /// <summary>How many distinct keys the requests spread over, uniformly at random.</summary>
    public int Keys { get; }

    /// <summary>The consistency as the flag spells it.</summary>
    public string Consistency => Linearizable ? "linearizable" : "stale";

    /// <summary>The name of key <paramref name="index"/> (0-based): <c>bench/0000042</c>.</summary>
    public static string KeyName(int index) => string.Create(CultureInfo.InvariantCulture, $"bench/{index:D7}");

    /// <summary>
    /// Parses and checks the flags as typed. Returns false with a one-line <paramref name="error"/> that names the flag,
    /// the accepted range and the value given.
    /// </summary>
    public static bool TryCreate(
        string endpoints, string clients, string valueSize, string duration, string operation, string consistency, string keys,
        [NotNullWhen(true)] out BenchOptions? options, out string error)
    {
        options = null;
        if (!TryParseEndpoints(endpoints, out var urls, out error)
            || !TryParseInt("--clients", clients, 1, MaxClients, out var clientCount, out error)
            || !TryParseInt("--value-size", valueSize, 0, MaxValueSizeBytes, out var valueBytes, out error)
            || !TryParseInt("--duration", duration, 1, MaxDurationSeconds, out var seconds, out error)
            || !TryParseInt("--keys", keys, 1, MaxKeys, out var keyCount, out error))
        {
            return false;
        }

        BenchOperation op;
        switch (operation)
        {
            case "put": op = BenchOperation.Put; break;
            case "get": op = BenchOperation.Get; break;
            case "mixed": op = BenchOperation.Mixed; break;
            default:
                error = $"--op: must be put, get or mixed, not '{operation}'";
                return false;
        }

        if (consistency is not ("linearizable" or "stale"))
        {
            error = $"--consistency: must be linearizable or stale, not '{consistency}'";
            return false;
        }

        options = new BenchOptions(urls, clientCount, valueBytes, TimeSpan.FromSeconds(seconds), op, consistency == "linearizable", keyCount);
        return true;
    }

    private static bool TryParseInt(string flag, string text, int min, int max, out int value, out string error)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            error = "";
            return true;
        }

        error = string.Create(CultureInfo.InvariantCulture, $"{flag}: must be a whole number from {min} to {max}, not '{text}'");
        return false;
    }

    private static bool TryParseEndpoints(string text, out Uri[] urls, out string error)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        urls = new Uri[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!Uri.TryCreate(parts[i], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                error = $"--endpoints: '{parts[i]}' is not an http:// or https:// URL";
                return false;
            }

            urls[i] = url;
        }

        error = urls.Length == 0 ? "--endpoints: give at least one URL" : "";
        return urls.Length > 0;
    }
}
