using System.Globalization;

namespace Cairn.Simulation.Linearizability;

/// <summary>Renders operations and values for explanations, one line per operation.</summary>
internal static class HistoryText
{
    /// <summary>A string in double quotes, with quotes and backslashes escaped.</summary>
    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>A register value: quoted, or <c>absent</c> for null.</summary>
    public static string Value(string? value) => value is null ? "absent" : Quote(value);

    /// <summary>
    /// One operation, e.g. <c>#7 client 2 CompareAndSwap(absent -> "a") [10, 14] -> ok</c> or
    /// <c>#8 client 3 Put("b") [12, pending]</c>.
    /// </summary>
    public static string Describe(KvOperation operation)
    {
        string call = operation.Kind switch
        {
            KvOperationKind.Get => "Get",
            KvOperationKind.Put => $"Put({Value(operation.Value)})",
            KvOperationKind.Delete => "Delete",
            KvOperationKind.CompareAndSwap => $"CompareAndSwap({Value(operation.Expected)} -> {Value(operation.Value)})",
            KvOperationKind.CompareVersionAndSwap => string.Create(CultureInfo.InvariantCulture, $"CompareVersionAndSwap(version {operation.ExpectedVersion} -> {Value(operation.Value)})"),
            _ => operation.Kind.ToString(),
        };
        string returned = operation.Returned is long tick ? tick.ToString(CultureInfo.InvariantCulture) : "pending";
        string result = operation.Result is null || operation.IsPending ? string.Empty : operation.Kind switch
        {
            KvOperationKind.Get when operation.Result.Version is ulong version && operation.Result.Value is not null =>
                string.Create(CultureInfo.InvariantCulture, $" -> {Value(operation.Result.Value)} (version {version})"),
            KvOperationKind.Get => " -> " + Value(operation.Result.Value),
            _ => operation.Result.Ok ? " -> ok" : " -> failed",
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"#{operation.Id} client {operation.ClientId} {call} [{operation.Invoked}, {returned}]{result}");
    }
}
