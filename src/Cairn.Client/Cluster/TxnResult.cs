namespace Cairn.Client.Cluster;

/// <summary>The outcome of a transaction. A compare that did not hold is not an error: <see cref="Succeeded"/> is false.</summary>
/// <param name="Revision">The cluster revision after the transaction.</param>
/// <param name="Succeeded">True when every condition held and the success branch ran; false when the failure branch ran.</param>
/// <param name="Results">The answers of the branch that ran, one per operation, in order.</param>
public sealed record TxnResult(long Revision, bool Succeeded, IReadOnlyList<TxnOperationResult> Results)
{
    /// <summary>Returns this result when the conditions held.</summary>
    /// <returns>This result.</returns>
    /// <exception cref="CairnException"><see cref="CairnErrorCode.CompareFailed"/> when they did not.</exception>
    public TxnResult EnsureSucceeded() => Succeeded
        ? this
        : throw new CairnException(CairnErrorCode.CompareFailed, $"the transaction's compares did not hold (revision {Revision}); the failure branch ran");
}
