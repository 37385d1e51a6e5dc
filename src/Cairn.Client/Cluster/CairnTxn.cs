namespace Cairn.Client.Cluster;

/// <summary>
/// A transaction for <see cref="CairnClient.TxnAsync"/>: if every condition holds, the <see cref="Then"/> operations
/// run, else the <see cref="Else"/> operations — atomically, in one revision. At most 128 conditions and 128 operations
/// per branch (the server refuses more with <see cref="CairnErrorCode.TooLarge"/>). A builder: not thread-safe; each
/// method adds to the lists and returns the same instance.
/// </summary>
/// <example>
/// <code>
/// var swapped = await client.TxnAsync(new CairnTxn()
///     .If(TxnCondition.ModRevisionIs("config", CompareOperator.Equal, seen.ModRevision))
///     .Then(TxnOperation.Put("config", "v2"))
///     .Else(TxnOperation.Get("config")));
/// </code>
/// </example>
public sealed class CairnTxn
{
    private readonly List<TxnCondition> _conditions = [];
    private readonly List<TxnOperation> _success = [];
    private readonly List<TxnOperation> _failure = [];

    /// <summary>The conditions, all of which must hold.</summary>
    public IReadOnlyList<TxnCondition> Conditions => _conditions;

    /// <summary>The operations run when the conditions hold.</summary>
    public IReadOnlyList<TxnOperation> Success => _success;

    /// <summary>The operations run otherwise.</summary>
    public IReadOnlyList<TxnOperation> Failure => _failure;

    /// <summary>Adds conditions.</summary>
    /// <param name="conditions">The conditions.</param>
    /// <returns>This transaction.</returns>
    public CairnTxn If(params TxnCondition[] conditions) => Add(_conditions, conditions);

    /// <summary>Adds operations to run when every condition holds.</summary>
    /// <param name="operations">The operations, run in order.</param>
    /// <returns>This transaction.</returns>
    public CairnTxn Then(params TxnOperation[] operations) => Add(_success, operations);

    /// <summary>Adds operations to run when a condition does not hold.</summary>
    /// <param name="operations">The operations, run in order.</param>
    /// <returns>This transaction.</returns>
    public CairnTxn Else(params TxnOperation[] operations) => Add(_failure, operations);

    private CairnTxn Add<T>(List<T> list, T[] items)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            list.Add(item);
        }

        return this;
    }
}
