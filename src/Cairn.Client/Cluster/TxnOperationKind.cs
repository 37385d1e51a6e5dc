namespace Cairn.Client.Cluster;

/// <summary>The kind of a <see cref="TxnOperation"/> and of its <see cref="TxnOperationResult"/>.</summary>
public enum TxnOperationKind
{
    /// <summary>Set a key.</summary>
    Put = 0,

    /// <summary>Delete a key or a prefix.</summary>
    Delete = 1,

    /// <summary>Read a key or a prefix.</summary>
    Get = 2,
}
