namespace Cairn.Client.Cluster;

/// <summary>How a <see cref="TxnCondition"/> compares the key's current state with its operand.</summary>
public enum CompareOperator
{
    /// <summary>Equal.</summary>
    Equal = 0,

    /// <summary>Not equal.</summary>
    NotEqual = 1,

    /// <summary>The key's state is less than the operand (values compare as bytes).</summary>
    Less = 2,

    /// <summary>The key's state is greater than the operand.</summary>
    Greater = 3,
}
