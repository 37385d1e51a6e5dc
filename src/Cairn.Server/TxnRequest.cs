using System.Text;
using Cairn.State.Kv;

namespace Cairn.Server;

/// <summary>
/// The JSON body of <c>POST /v1/kv/txn</c>: compare, then the success operations if every compare holds, else the
/// failure operations — atomically, in one revision. Keys and values are UTF-8 text.
/// </summary>
/// <param name="Compare">The conditions, all of which must hold.</param>
/// <param name="Success">Operations run when they hold.</param>
/// <param name="Failure">Operations run otherwise.</param>
public sealed record TxnRequest(IReadOnlyList<TxnCompare>? Compare, IReadOnlyList<TxnOp>? Success, IReadOnlyList<TxnOp>? Failure)
{
    /// <summary>The state-machine command, or an error message naming the offending field.</summary>
    public KvTxnCommand? ToCommand(out string? error)
    {
        error = null;
        var compares = new List<KvCompare>();
        for (var i = 0; i < (Compare?.Count ?? 0); i++)
        {
            if (Compare![i].ToCompare($"compare[{i}]", out error) is not { } compare)
            {
                return null;
            }

            compares.Add(compare);
        }

        if (Ops(Success, "success", out error) is not { } success || Ops(Failure, "failure", out error) is not { } failure)
        {
            return null;
        }

        return new KvTxnCommand(compares, success, failure);
    }

    private static List<KvRequestOp>? Ops(IReadOnlyList<TxnOp>? ops, string field, out string? error)
    {
        error = null;
        var result = new List<KvRequestOp>();
        for (var i = 0; i < (ops?.Count ?? 0); i++)
        {
            var op = ops![i];
            KvRequestOp? request = op switch
            {
                { Put: { } put, Delete: null, Get: null } => new KvPutCommand(Utf8(put.Key), Utf8(put.Value ?? ""), put.Lease),
                { Delete: { } delete, Put: null, Get: null } => new KvDeleteCommand(Utf8(delete.Key), delete.Prefix),
                { Get: { } get, Put: null, Delete: null } => new KvRangeCommand(Utf8(get.Key), get.Prefix),
                _ => null,
            };
            if (request is null)
            {
                error = $"{field}[{i}]: exactly one of put, delete or get";
                return null;
            }

            result.Add(request);
        }

        return result;
    }

    internal static byte[] Utf8(string? text) => Encoding.UTF8.GetBytes(text ?? "");
}

/// <summary>One condition of a transaction.</summary>
/// <param name="Key">The key compared.</param>
/// <param name="Target"><c>value</c>, <c>version</c>, <c>createRevision</c>, <c>modRevision</c> or <c>exists</c>.</param>
/// <param name="Op"><c>==</c>, <c>!=</c>, <c>&lt;</c> or <c>&gt;</c> (only <c>==</c> for <c>exists</c>).</param>
/// <param name="Value">For <c>value</c>: the text compared with.</param>
/// <param name="Number">For versions and revisions: the number compared with; for <c>exists</c>: 1 (exists) or 0 (absent).</param>
public sealed record TxnCompare(string Key, string Target, string Op, string? Value, ulong Number)
{
    internal KvCompare? ToCompare(string field, out string? error)
    {
        error = null;
        KvCompareTarget? target = Target switch
        {
            "value" => KvCompareTarget.Value,
            "version" => KvCompareTarget.Version,
            "createRevision" => KvCompareTarget.CreateRevision,
            "modRevision" => KvCompareTarget.ModRevision,
            "exists" => KvCompareTarget.Exists,
            _ => null,
        };
        KvCompareOperator? op = Op switch
        {
            "==" => KvCompareOperator.Equal,
            "!=" => KvCompareOperator.NotEqual,
            "<" => KvCompareOperator.Less,
            ">" => KvCompareOperator.Greater,
            _ => null,
        };
        if (target is null)
        {
            error = $"{field}.target: must be value, version, createRevision, modRevision or exists";
            return null;
        }

        if (op is null)
        {
            error = $"{field}.op: must be ==, !=, < or >";
            return null;
        }

        return new KvCompare(TxnRequest.Utf8(Key), target.Value, op.Value, Number, target == KvCompareTarget.Value ? TxnRequest.Utf8(Value) : []);
    }
}

/// <summary>One operation of a transaction: exactly one of <paramref name="Put"/>, <paramref name="Delete"/>, <paramref name="Get"/>.</summary>
/// <param name="Put">Set a key.</param>
/// <param name="Delete">Delete a key or a prefix.</param>
/// <param name="Get">Read a key or a prefix.</param>
public sealed record TxnOp(TxnPut? Put, TxnKey? Delete, TxnKey? Get);

/// <summary>A put inside a transaction.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value (UTF-8 text).</param>
/// <param name="Lease">A lease to attach, or 0.</param>
public sealed record TxnPut(string Key, string? Value, ulong Lease);

/// <summary>A key or prefix inside a transaction.</summary>
/// <param name="Key">The key or prefix.</param>
/// <param name="Prefix">True for every key with this prefix.</param>
public sealed record TxnKey(string Key, bool Prefix);
