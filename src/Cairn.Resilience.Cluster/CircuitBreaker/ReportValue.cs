using System.Globalization;
using System.Text.Json;

namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>
/// The value of a report key: <c>{"ttlMs":N}</c>, the lease's TTL, so that a watcher can expire the report on its own
/// clock should the delete never reach it (a watch stuck behind a silent partition).
/// </summary>
internal static class ReportValue
{
    public static string Encode(TimeSpan ttl) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"ttlMs":{{(long)ttl.TotalMilliseconds}}}""");

    /// <summary>Reads the TTL; false for anything else, which the fleet view then ignores (a garbled report opens nothing).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, out TimeSpan ttl)
    {
        ttl = TimeSpan.Zero;
        try
        {
            var reader = new Utf8JsonReader(value);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("ttlMs", out var ms)
                && ms.ValueKind == JsonValueKind.Number
                && ms.TryGetInt64(out var milliseconds)
                && milliseconds > 0)
            {
                ttl = TimeSpan.FromMilliseconds(milliseconds);
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }
}
