namespace Cairn.State.Kv;

/// <summary>What a transaction compare looks at.</summary>
public enum KvCompareTarget : byte
{
    /// <summary>The value bytes, compared lexicographically; a missing key fails every value compare.</summary>
    Value = 0,

    /// <summary>The version (0 when absent).</summary>
    Version = 1,

    /// <summary>The create revision (0 when absent).</summary>
    CreateRevision = 2,

    /// <summary>The mod revision (0 when absent).</summary>
    ModRevision = 3,

    /// <summary>Existence: the number is 1 for present, 0 for absent.</summary>
    Exists = 4,
}
