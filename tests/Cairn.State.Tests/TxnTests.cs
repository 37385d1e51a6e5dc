using Cairn.State.Kv;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>Transactions as in etcd: compares on value, version, create and mod revision and existence; then one
/// branch, atomically, under one revision; later operations see earlier ones' writes.</summary>
public sealed class TxnTests
{
    private static KvTxnCommand Txn(KvCompare[] compares, KvRequestOp[] success, KvRequestOp[]? failure = null) =>
        new(compares, success, failure ?? []);

    private static Harness Seeded()
    {
        var h = new Harness();
        h.Put("k", "v1");   // revision 2: create 2, mod 2, version 1
        h.Put("k", "v2");   // revision 3: create 2, mod 3, version 2
        return h;
    }

    public static TheoryData<KvCompare, bool> CompareCases => new()
    {
        { KvCompare.ValueEquals(B("k"), B("v2")), true },
        { KvCompare.ValueEquals(B("k"), B("v1")), false },
        { new KvCompare(B("k"), KvCompareTarget.Value, KvCompareOperator.Greater, 0, B("v1")), true },
        { new KvCompare(B("k"), KvCompareTarget.Value, KvCompareOperator.Less, 0, B("v1")), false },
        { new KvCompare(B("k"), KvCompareTarget.Value, KvCompareOperator.NotEqual, 0, B("x")), true },
        { KvCompare.VersionIs(B("k"), KvCompareOperator.Equal, 2), true },
        { KvCompare.VersionIs(B("k"), KvCompareOperator.Less, 2), false },
        { KvCompare.VersionIs(B("missing"), KvCompareOperator.Equal, 0), true },
        { KvCompare.CreateRevisionIs(B("k"), KvCompareOperator.Equal, 2), true },
        { KvCompare.ModRevisionIs(B("k"), KvCompareOperator.Equal, 3), true },
        { KvCompare.ModRevisionIs(B("k"), KvCompareOperator.Greater, 3), false },
        { KvCompare.ModRevisionIs(B("missing"), KvCompareOperator.Less, 1), true },
        { KvCompare.Exists(B("k")), true },
        { KvCompare.Exists(B("missing")), false },
        { KvCompare.Missing(B("missing")), true },
        { KvCompare.Missing(B("k")), false },
        // etcd: a value compare on an absent key is false, whatever the operator.
        { KvCompare.ValueEquals(B("missing"), []), false },
        { new KvCompare(B("missing"), KvCompareTarget.Value, KvCompareOperator.NotEqual, 0, B("x")), false },
    };

    [Theory]
    [MemberData(nameof(CompareCases))]
    public void Each_compare_target_and_operator_decides_the_branch(KvCompare compare, bool expected)
    {
        var h = Seeded();
        var response = h.Ok<KvTxnResponse>(Txn([compare], [new KvPutCommand(B("then"), B("1"))], [new KvPutCommand(B("else"), B("1"))]));
        Assert.Equal(expected, response.Succeeded);
        Assert.Equal(expected, h.Get("then") is not null);
        Assert.Equal(!expected, h.Get("else") is not null);
    }

    [Fact]
    public void All_writes_of_a_transaction_share_one_revision()
    {
        var h = Seeded();
        var response = h.Ok<KvTxnResponse>(Txn([], [new KvPutCommand(B("a"), B("1")), new KvPutCommand(B("b"), B("2")), new KvDeleteCommand(B("k"))]));
        Assert.Equal(4UL, response.Revision);
        Assert.Equal(4UL, h.Get("a")!.ModRevision);
        Assert.Equal(4UL, h.Get("b")!.CreateRevision);
        Assert.Null(h.Get("k"));
    }

    [Fact]
    public void A_compare_and_swap_succeeds_once_then_fails()
    {
        var h = Seeded();
        var cas = Txn([KvCompare.ModRevisionIs(B("k"), KvCompareOperator.Equal, 3)], [new KvPutCommand(B("k"), B("mine"))]);
        Assert.True(h.Ok<KvTxnResponse>(cas).Succeeded);
        var second = h.Ok<KvTxnResponse>(cas);
        Assert.False(second.Succeeded);
        Assert.Empty(second.Responses);
        Assert.Equal(4UL, second.Revision);
    }

    [Fact]
    public void Reads_in_a_transaction_see_its_earlier_writes()
    {
        var h = new Harness();
        var response = h.Ok<KvTxnResponse>(Txn([], [new KvPutCommand(B("x"), B("1")), new KvRangeCommand(B("x"))]));
        Assert.Equal("1", S(Assert.IsType<KvRangeResponse>(response.Responses[1]).Kvs[0].Value));
    }

    [Fact]
    public void A_failed_compare_with_only_reads_does_not_advance_the_revision()
    {
        var h = Seeded();
        var response = h.Ok<KvTxnResponse>(Txn([KvCompare.Missing(B("k"))], [new KvPutCommand(B("z"), B("1"))], [new KvRangeCommand(B("k"))]));
        Assert.False(response.Succeeded);
        Assert.Equal(3UL, response.Revision);
        Assert.Equal(3UL, h.Machine.Revision);
    }

    public static TheoryData<KvTxnCommand, StateStatus, string> InvalidCases => new()
    {
        { new([], [new KvPutCommand(B("a"), B("1")), new KvPutCommand(B("a"), B("2"))], []), StateStatus.InvalidArgument, "success[1].key is also written by success[0]; a transaction writes each key at most once" },
        { new([], [new KvDeleteCommand(B("a/"), Prefix: true), new KvPutCommand(B("a/1"), B("2"))], []), StateStatus.InvalidArgument, "success[1].key is also written by success[0]; a transaction writes each key at most once" },
        { new([], [], [new KvPutCommand(B("a"), B("1")), new KvDeleteCommand(B("a"))]), StateStatus.InvalidArgument, "failure[0].key is also written by failure[1]; a transaction writes each key at most once" },
        { new([.. Enumerable.Repeat(KvCompare.Exists(B("a")), 129)], [], []), StateStatus.TooLarge, "compares has 129 entries; the limit is 128" },
        { new([], [.. Enumerable.Range(0, 129).Select(i => new KvRangeCommand(B($"k{i}")))], []), StateStatus.TooLarge, "success has 129 entries; the limit is 128" },
        { new([], [], [.. Enumerable.Range(0, 129).Select(i => new KvRangeCommand(B($"k{i}")))]), StateStatus.TooLarge, "failure has 129 entries; the limit is 128" },
        { new([KvCompare.Exists([])], [], []), StateStatus.InvalidArgument, "compares[0].key is empty" },
        { new([], [new KvPutCommand(B("ok"), B("1")), new KvPutCommand(B("x"), B("1"), LeaseId: 9)], []), StateStatus.LeaseNotFound, "success[1].leaseId 9 is not a live lease" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void An_invalid_transaction_changes_nothing(KvTxnCommand txn, StateStatus status, string message)
    {
        var h = new Harness();
        var error = h.Error(txn, status);
        Assert.Equal(message, error.Message);
        Assert.Empty(h.Machine.Kv.All());
        Assert.Equal(1UL, h.Machine.Revision);
    }

    [Fact]
    public void The_ops_limit_itself_is_accepted()
    {
        var h = new Harness();
        var response = h.Ok<KvTxnResponse>(new KvTxnCommand(
            [.. Enumerable.Range(0, 128).Select(i => KvCompare.Missing(B($"k{i}")))],
            [.. Enumerable.Range(0, 128).Select(i => new KvPutCommand(B($"k{i}"), B("v")))],
            []));
        Assert.True(response.Succeeded);
        Assert.Equal(128, h.Machine.Kv.Count);
        Assert.Equal(2UL, h.Machine.Revision);
    }
}
