namespace Cairn.State.Kv;

/// <summary>How a compare relates the key's current target to the operand.</summary>
public enum KvCompareOperator : byte
{
    /// <summary>Current equals operand.</summary>
    Equal = 0,

    /// <summary>Current differs from operand.</summary>
    NotEqual = 1,

    /// <summary>Current is less than operand.</summary>
    Less = 2,

    /// <summary>Current is greater than operand.</summary>
    Greater = 3,
}
