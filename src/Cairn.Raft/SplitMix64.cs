namespace Cairn.Raft;

/// <summary>
/// A small, fast, seeded generator (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014).
/// Written out here rather than taken from <c>System.Random</c> so that a seed produces the same sequence on every
/// .NET version. Not thread-safe.
/// </summary>
public sealed class SplitMix64 : IRandomSource
{
    private ulong _state;

    /// <summary>Starts the sequence at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <inheritdoc/>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>True with probability <paramref name="probability"/> (0 to 1).</summary>
    public bool Chance(double probability) => (NextUInt64() >> 11) * (1.0 / (1UL << 53)) < probability;
}
