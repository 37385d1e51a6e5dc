namespace Cairn.State.Kv;

/// <summary>Orders keys as etcd does (unsigned bytes, lexicographically) and compares them by content.</summary>
internal sealed class ByteKeyComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    public static readonly ByteKeyComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x is null || y is null ? (x is null ? (y is null ? 0 : -1) : 1) : x.AsSpan().SequenceCompareTo(y);

    public bool Equals(byte[]? x, byte[]? y) => x is null || y is null ? x == y : x.AsSpan().SequenceEqual(y);

    // The hash is seeded per process; that is fine because hash order never reaches an output (iteration is sorted).
    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }

    /// <summary>Whether <paramref name="key"/> starts with <paramref name="prefix"/>.</summary>
    public static bool HasPrefix(byte[] key, byte[] prefix) => key.AsSpan().StartsWith(prefix);
}
