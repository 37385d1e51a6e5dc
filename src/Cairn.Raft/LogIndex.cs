namespace Cairn.Raft;

/// <summary>
/// A position in the replicated log, starting at 1. <see cref="Zero"/> is the position before the first entry.
/// </summary>
/// <param name="Value">The 1-based position.</param>
public readonly record struct LogIndex(ulong Value) : IComparable<LogIndex>
{
    /// <summary>The position before the first entry.</summary>
    public static readonly LogIndex Zero;

    /// <summary>The next position.</summary>
    public LogIndex Next => new(Value + 1);

    /// <summary>The previous position; must not be called on <see cref="Zero"/>.</summary>
    public LogIndex Previous => Value == 0 ? throw new InvalidOperationException("index 0 has no predecessor") : new(Value - 1);

    /// <summary>Moves forward by <paramref name="count"/> positions.</summary>
    public LogIndex Plus(ulong count) => new(Value + count);

    /// <summary>The number of positions from <paramref name="from"/> up to this one (zero when not after it).</summary>
    public ulong CountFrom(LogIndex from) => Value > from.Value ? Value - from.Value : 0;

    /// <inheritdoc/>
    public int CompareTo(LogIndex other) => Value.CompareTo(other.Value);

    /// <summary>Orders positions.</summary>
    public static bool operator <(LogIndex left, LogIndex right) => left.Value < right.Value;

    /// <summary>Orders positions.</summary>
    public static bool operator >(LogIndex left, LogIndex right) => left.Value > right.Value;

    /// <summary>Orders positions.</summary>
    public static bool operator <=(LogIndex left, LogIndex right) => left.Value <= right.Value;

    /// <summary>Orders positions.</summary>
    public static bool operator >=(LogIndex left, LogIndex right) => left.Value >= right.Value;

    /// <summary>The smaller of two positions.</summary>
    public static LogIndex Min(LogIndex a, LogIndex b) => a <= b ? a : b;

    /// <summary>The larger of two positions.</summary>
    public static LogIndex Max(LogIndex a, LogIndex b) => a >= b ? a : b;

    /// <inheritdoc/>
    public override string ToString() => $"i{Value}";
}
