using System.Globalization;
using System.Text.Json;

namespace Cairn.Cli.Bench;

/// <summary>
/// The outcome of one run: what ran, how many requests were served in how long, how many failed, and the latency of the
/// served ones (failed requests are counted, not timed).
/// </summary>
internal sealed record BenchReport(
    string Target,
    string Operation,
    string Consistency,
    int Clients,
    int ValueSizeBytes,
    double Seconds,
    long Ops,
    long Errors,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    string? FirstError)
{
    private static readonly JsonSerializerOptions _json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>Served requests per second of the timed part.</summary>
    public double OpsPerSecond => Seconds > 0 ? Ops / Seconds : 0;

    /// <summary>The report as indented JSON (camelCase), for scripts.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, _json);

    /// <summary>The report as a one-row text table.</summary>
    public string ToTable() => Table.Render(
        ["TARGET", "OP", "CONSISTENCY", "CLIENTS", "VALUE B", "SECONDS", "OPS", "OPS/S", "ERRORS", "P50 MS", "P95 MS", "P99 MS", "MAX MS"],
        [[
            Target, Operation, Consistency, Invariant($"{Clients}"), Invariant($"{ValueSizeBytes}"), Invariant($"{Seconds:F1}"),
            Invariant($"{Ops}"), Invariant($"{OpsPerSecond:F0}"), Invariant($"{Errors}"),
            Invariant($"{P50Ms:F3}"), Invariant($"{P95Ms:F3}"), Invariant($"{P99Ms:F3}"), Invariant($"{MaxMs:F3}"),
        ]]);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
