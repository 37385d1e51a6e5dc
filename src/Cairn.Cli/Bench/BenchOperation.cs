namespace Cairn.Cli.Bench;

/// <summary>What each request of a benchmark run does (<c>--op</c>).</summary>
internal enum BenchOperation
{
    /// <summary>Write a value to a random key.</summary>
    Put,

    /// <summary>Read a random key (every key is written once before the timed run).</summary>
    Get,

    /// <summary>Half puts, half gets, chosen at random per request.</summary>
    Mixed,
}
