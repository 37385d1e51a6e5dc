namespace Cairn.State.Kv;

/// <summary>One condition of a transaction, on one key.</summary>
/// <param name="Key">The key (1 to <see cref="KvLimits.MaxKeyBytes"/> bytes).</param>
/// <param name="Target">What is compared.</param>
/// <param name="Operator">How.</param>
/// <param name="Number">The operand for every target but <see cref="KvCompareTarget.Value"/>.</param>
/// <param name="Value">The operand for <see cref="KvCompareTarget.Value"/>; empty otherwise.</param>
public sealed record KvCompare(byte[] Key, KvCompareTarget Target, KvCompareOperator Operator, ulong Number, byte[] Value)
{
    /// <summary>The key's value equals <paramref name="value"/> (false when the key is absent).</summary>
    public static KvCompare ValueEquals(byte[] key, byte[] value) => new(key, KvCompareTarget.Value, KvCompareOperator.Equal, 0, value);

    /// <summary>The key's version relates to <paramref name="version"/> by <paramref name="op"/>.</summary>
    public static KvCompare VersionIs(byte[] key, KvCompareOperator op, ulong version) => new(key, KvCompareTarget.Version, op, version, []);

    /// <summary>The key's create revision relates to <paramref name="revision"/> by <paramref name="op"/>.</summary>
    public static KvCompare CreateRevisionIs(byte[] key, KvCompareOperator op, ulong revision) => new(key, KvCompareTarget.CreateRevision, op, revision, []);

    /// <summary>The key's mod revision relates to <paramref name="revision"/> by <paramref name="op"/>.</summary>
    public static KvCompare ModRevisionIs(byte[] key, KvCompareOperator op, ulong revision) => new(key, KvCompareTarget.ModRevision, op, revision, []);

    /// <summary>The key exists.</summary>
    public static KvCompare Exists(byte[] key) => new(key, KvCompareTarget.Exists, KvCompareOperator.Equal, 1, []);

    /// <summary>The key does not exist.</summary>
    public static KvCompare Missing(byte[] key) => new(key, KvCompareTarget.Exists, KvCompareOperator.Equal, 0, []);
}
