namespace Cairn.Cli.Bench;

/// <summary>
/// How one request of a benchmark ended: served, or failed with a short reason (a status, an error code). Expected
/// failures travel as values so the load runner counts them without paying for exceptions.
/// </summary>
internal readonly record struct KvOutcome(string? Error)
{
    /// <summary>The request was served.</summary>
    public static KvOutcome Success => default;

    /// <summary>Whether the request was served.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A failed request, with its reason.</summary>
    public static KvOutcome Failed(string reason) => new(reason);
}
