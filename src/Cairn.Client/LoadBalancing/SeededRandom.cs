namespace Cairn.Client.LoadBalancing;

/// <summary>
/// A thread-safe, seedable source of random integers (SplitMix64), for pickers that must replay identically in
/// tests and across .NET versions.
/// </summary>
/// <remarks>
/// Each call advances a shared 64-bit state with one atomic add, so concurrent callers never repeat a value;
/// single-threaded use replays the same sequence for the same seed. Not for cryptography.
/// </remarks>
public sealed class SeededRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;
    private long _state;

    /// <summary>Initializes the source.</summary>
    /// <param name="seed">The seed; print it in tests so a failure can be replayed.</param>
    public SeededRandom(long seed) => _state = seed;

    /// <summary>Returns an integer in [0, <paramref name="maxExclusive"/>).</summary>
    /// <param name="maxExclusive">The bound, at least 1.</param>
    /// <returns>The value.</returns>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        var z = (ulong)Interlocked.Add(ref _state, unchecked((long)Gamma));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;

        // Lemire's multiply-shift maps 32 random bits onto [0, max) without a division.
        return (int)(((z >> 32) * (ulong)maxExclusive) >> 32);
    }
}
