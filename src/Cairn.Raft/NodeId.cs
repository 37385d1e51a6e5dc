namespace Cairn.Raft;

/// <summary>
/// Identifies a member of a Raft group. <see cref="None"/> (zero) means "no node": no vote cast, no known leader.
/// </summary>
/// <param name="Value">The numeric id; zero is reserved for <see cref="None"/>.</param>
public readonly record struct NodeId(ulong Value) : IComparable<NodeId>
{
    /// <summary>The absent node: no vote, no leader.</summary>
    public static readonly NodeId None;

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => Value == 0;

    /// <inheritdoc/>
    public int CompareTo(NodeId other) => Value.CompareTo(other.Value);

    /// <summary>Orders ids numerically.</summary>
    public static bool operator <(NodeId left, NodeId right) => left.Value < right.Value;

    /// <summary>Orders ids numerically.</summary>
    public static bool operator >(NodeId left, NodeId right) => left.Value > right.Value;

    /// <summary>Orders ids numerically.</summary>
    public static bool operator <=(NodeId left, NodeId right) => left.Value <= right.Value;

    /// <summary>Orders ids numerically.</summary>
    public static bool operator >=(NodeId left, NodeId right) => left.Value >= right.Value;

    /// <inheritdoc/>
    public override string ToString() => IsNone ? "none" : $"n{Value}";
}
