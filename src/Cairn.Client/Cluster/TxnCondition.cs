using System.Text;

namespace Cairn.Client.Cluster;

/// <summary>
/// One compare of a <see cref="CairnTxn"/>: a key's value, version, create or modify revision, or existence, against an
/// operand. A missing key has version 0, revisions 0 and an empty value. Immutable; build with the static methods.
/// </summary>
public sealed record TxnCondition
{
    private TxnCondition(string key, string target, CompareOperator op, string? value, long number)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        Key = key;
        Target = target;
        Operator = op;
        Value = value;
        Number = number;
    }

    /// <summary>The key compared.</summary>
    public string Key { get; }

    /// <summary>The server's name of what is compared: <c>value</c>, <c>version</c>, <c>createRevision</c>, <c>modRevision</c> or <c>exists</c>.</summary>
    public string Target { get; }

    /// <summary>How it is compared.</summary>
    public CompareOperator Operator { get; }

    /// <summary>For a value compare: the text compared with; otherwise null.</summary>
    public string? Value { get; }

    /// <summary>For a version or revision compare: the number; for existence: 1 (exists) or 0 (missing).</summary>
    public long Number { get; }

    /// <summary>Compares the key's value with <paramref name="value"/> (UTF-8).</summary>
    /// <param name="key">The key.</param>
    /// <param name="op">The comparison.</param>
    /// <param name="value">The text (transactions carry values as UTF-8 text).</param>
    /// <returns>The condition.</returns>
    public static TxnCondition ValueIs(string key, CompareOperator op, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(key, "value", op, value, 0);
    }

    /// <summary>Compares the key's value with <paramref name="value"/>, which must be valid UTF-8.</summary>
    /// <param name="key">The key.</param>
    /// <param name="op">The comparison.</param>
    /// <param name="value">The bytes.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">The bytes are not valid UTF-8 (transactions carry values as text).</exception>
    public static TxnCondition ValueIs(string key, CompareOperator op, ReadOnlySpan<byte> value) => new(key, "value", op, Utf8.Strict(value, nameof(value)), 0);

    /// <summary>Compares the key's version (writes since creation; 0 when missing).</summary>
    /// <param name="key">The key.</param>
    /// <param name="op">The comparison.</param>
    /// <param name="version">The version, at least 0.</param>
    /// <returns>The condition.</returns>
    public static TxnCondition VersionIs(string key, CompareOperator op, long version) => new(key, "version", op, null, version);

    /// <summary>Compares the revision that created the key (0 when missing).</summary>
    /// <param name="key">The key.</param>
    /// <param name="op">The comparison.</param>
    /// <param name="revision">The revision, at least 0.</param>
    /// <returns>The condition.</returns>
    public static TxnCondition CreateRevisionIs(string key, CompareOperator op, long revision) => new(key, "createRevision", op, null, revision);

    /// <summary>Compares the revision of the key's last change (0 when missing): the usual compare-and-swap guard.</summary>
    /// <param name="key">The key.</param>
    /// <param name="op">The comparison.</param>
    /// <param name="revision">The revision, at least 0.</param>
    /// <returns>The condition.</returns>
    public static TxnCondition ModRevisionIs(string key, CompareOperator op, long revision) => new(key, "modRevision", op, null, revision);

    /// <summary>Holds when the key exists.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The condition.</returns>
    public static TxnCondition Exists(string key) => new(key, "exists", CompareOperator.Equal, null, 1);

    /// <summary>Holds when the key does not exist: create-if-absent.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The condition.</returns>
    public static TxnCondition Missing(string key) => new(key, "exists", CompareOperator.Equal, null, 0);

    internal string OperatorText => Operator switch
    {
        CompareOperator.Equal => "==",
        CompareOperator.NotEqual => "!=",
        CompareOperator.Less => "<",
        CompareOperator.Greater => ">",
        _ => throw new ArgumentOutOfRangeException(nameof(Operator), Operator, "not a compare operator"),
    };
}

/// <summary>UTF-8 helpers for the text-only transaction body.</summary>
internal static class Utf8
{
    private static readonly UTF8Encoding _strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Strict(ReadOnlySpan<byte> bytes, string parameter)
    {
        try
        {
            return _strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new ArgumentException("must be valid UTF-8: transactions carry keys and values as text", parameter, e);
        }
    }
}
