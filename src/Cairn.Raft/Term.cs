namespace Cairn.Raft;

/// <summary>A Raft term (paper §5.1). Terms only grow on a node; zero is the term before any election.</summary>
/// <param name="Value">The term number.</param>
public readonly record struct Term(ulong Value) : IComparable<Term>
{
    /// <summary>The term before any election.</summary>
    public static readonly Term Zero;

    /// <summary>The following term, as a candidate starts it.</summary>
    public Term Next => new(Value + 1);

    /// <inheritdoc/>
    public int CompareTo(Term other) => Value.CompareTo(other.Value);

    /// <summary>Orders terms.</summary>
    public static bool operator <(Term left, Term right) => left.Value < right.Value;

    /// <summary>Orders terms.</summary>
    public static bool operator >(Term left, Term right) => left.Value > right.Value;

    /// <summary>Orders terms.</summary>
    public static bool operator <=(Term left, Term right) => left.Value <= right.Value;

    /// <summary>Orders terms.</summary>
    public static bool operator >=(Term left, Term right) => left.Value >= right.Value;

    /// <summary>The larger of two terms.</summary>
    public static Term Max(Term a, Term b) => a >= b ? a : b;

    /// <summary>The smaller of two terms.</summary>
    public static Term Min(Term a, Term b) => a <= b ? a : b;

    /// <inheritdoc/>
    public override string ToString() => $"t{Value}";
}
