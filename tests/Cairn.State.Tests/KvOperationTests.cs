using Cairn.State.Kv;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>Put, get, delete and range with etcd's revision rules (etcd docs, "Revisions" in the data model):
/// one cluster-wide revision that each write transaction advances by one; a key's create revision is the revision that
/// created it since it was last absent, its mod revision the last change, and its version counts puts since creation,
/// reset by a delete.</summary>
public sealed class KvOperationTests
{
    [Fact]
    public void An_empty_store_is_at_revision_1_and_the_first_put_makes_revision_2()
    {
        var h = new Harness();
        Assert.Equal(1UL, h.Machine.Revision);
        var response = h.Put("a", "1");
        Assert.Equal(2UL, response.Revision);
        var kv = h.Get("a")!;
        Assert.Equal((2UL, 2UL, 1UL, 0UL, "1"), (kv.CreateRevision, kv.ModRevision, kv.Version, kv.LeaseId, S(kv.Value)));
    }

    public static TheoryData<string[], string, ulong, ulong, ulong, ulong> RevisionCases => new()
    {
        // operations ("put k v" / "del k"), key, expected create, mod, version, store revision
        { ["put a 1"], "a", 2, 2, 1, 2 },
        { ["put a 1", "put a 2"], "a", 2, 3, 2, 3 },
        { ["put a 1", "put b 1", "put a 2"], "a", 2, 4, 2, 4 },
        { ["put a 1", "del a", "put a 3"], "a", 4, 4, 1, 4 },
        { ["put a 1", "del a"], "a", 0, 0, 0, 3 },
        { ["del a"], "a", 0, 0, 0, 1 },
        { ["put a 1", "del zzz"], "a", 2, 2, 1, 2 },
        { ["put a 1", "put a 1", "put a 1"], "a", 2, 4, 3, 4 },
    };

    [Theory]
    [MemberData(nameof(RevisionCases))]
    public void Revisions_and_versions_follow_etcd(string[] operations, string key, ulong create, ulong mod, ulong version, ulong revision)
    {
        var h = new Harness();
        foreach (var op in operations)
        {
            var parts = op.Split(' ');
            if (parts[0] == "put")
            {
                h.Put(parts[1], parts[2]);
            }
            else
            {
                h.Delete(parts[1]);
            }
        }
        var kv = h.Get(key);
        Assert.Equal(create, kv?.CreateRevision ?? 0);
        Assert.Equal(mod, kv?.ModRevision ?? 0);
        Assert.Equal(version, kv?.Version ?? 0);
        Assert.Equal(revision, h.Machine.Revision);
    }

    [Fact]
    public void Put_returns_the_previous_value_only_when_asked()
    {
        var h = new Harness();
        h.Put("k", "old");
        var without = Assert.IsType<KvPutResponse>(h.Ok<KvTxnResponse>(new KvPutCommand(B("k"), B("new"))).Responses[0]);
        Assert.Null(without.PrevKv);
        var with = Assert.IsType<KvPutResponse>(h.Ok<KvTxnResponse>(new KvPutCommand(B("k"), B("newer"), PrevKv: true)).Responses[0]);
        Assert.Equal("new", S(with.PrevKv!.Value));
    }

    [Fact]
    public void Range_by_prefix_is_in_key_order_with_count_and_more()
    {
        var h = new Harness();
        foreach (var key in new[] { "b/2", "a", "b/1", "b/3", "b", "c", "b/\u00ff" })
        {
            h.Put(key, "v");
        }
        var all = h.Range("b/");
        Assert.Equal(["b/1", "b/2", "b/3", "b/\u00ff"], all.Kvs.Select(kv => S(kv.Key)));
        Assert.Equal(4UL, all.Count);
        Assert.False(all.More);
        var limited = h.Range("b/", limit: 2);
        Assert.Equal(["b/1", "b/2"], limited.Kvs.Select(kv => S(kv.Key)));
        Assert.Equal(4UL, limited.Count);
        Assert.True(limited.More);
        Assert.Equal(7, h.Range("").Kvs.Count);
        Assert.Empty(h.Range("d").Kvs);
        Assert.Empty(h.Range("zzz").Kvs);
    }

    [Fact]
    public void A_range_alone_does_not_advance_the_revision()
    {
        var h = new Harness();
        h.Put("a", "1");
        var response = h.Ok<KvTxnResponse>(new KvRangeCommand(B("a")));
        Assert.Equal(2UL, response.Revision);
        Assert.Equal(2UL, h.Machine.Revision);
    }

    [Fact]
    public void Delete_by_prefix_removes_every_match_under_one_revision()
    {
        var h = new Harness();
        h.Put("p/1", "a");
        h.Put("p/2", "b");
        h.Put("q", "c");
        var response = h.Delete("p/", prefix: true);
        var delete = Assert.IsType<KvDeleteResponse>(response.Responses[0]);
        Assert.Equal(2UL, delete.Deleted);
        Assert.Equal(["p/1", "p/2"], delete.PrevKvs.Select(kv => S(kv.Key)));
        Assert.Equal(5UL, response.Revision);
        Assert.Equal(["q"], h.Keys());
    }

    [Fact]
    public void Query_reads_without_the_log()
    {
        var h = new Harness();
        h.Put("a", "1");
        var txn = Assert.IsType<KvTxnResponse>(h.Machine.Query(new KvRangeCommand(B("a"))));
        Assert.Equal("1", S(Assert.IsType<KvRangeResponse>(txn.Responses[0]).Kvs[0].Value));
        Assert.Equal(StateStatus.InvalidArgument, h.Machine.Query(new KvPutCommand(B("a"), B("2"))).Status);
        Assert.Equal(1UL, h.Machine.AppliedIndex);
    }

    public static TheoryData<StateCommand, StateStatus, string> LimitCases => new()
    {
        { new KvPutCommand(new byte[KvLimits.MaxKeyBytes + 1], B("v")), StateStatus.TooLarge, "key is 1025 bytes; the limit is 1024" },
        { new KvPutCommand([], B("v")), StateStatus.InvalidArgument, "key is empty" },
        { new KvPutCommand(B("k"), new byte[KvLimits.MaxValueBytes + 1]), StateStatus.TooLarge, "value is 1048577 bytes; the limit is 1048576" },
        { new KvDeleteCommand([]), StateStatus.InvalidArgument, "key is empty" },
        { new KvRangeCommand(new byte[KvLimits.MaxKeyBytes + 1], Prefix: true), StateStatus.TooLarge, "key is 1025 bytes; the limit is 1024" },
        { new KvPutCommand(B("k"), B("v"), LeaseId: 42), StateStatus.LeaseNotFound, "leaseId 42 is not a live lease" },
        { new KvCompactCommand(99), StateStatus.FutureRevision, "revision 99 is above the current revision 1" },
        { new LeaseGrantCommand(0, 0), StateStatus.InvalidArgument, "ttlMs is 0; a lease lives at least 1 ms" },
        { new LeaseGrantCommand(0, KvLimits.MaxLeaseTtlMs + 1), StateStatus.TooLarge, "ttlMs is 1000000000001; the limit is 1000000000000" },
        { new LeaseRevokeCommand(7), StateStatus.LeaseNotFound, "leaseId 7 is not a live lease" },
        { new LeaseKeepAliveCommand(7), StateStatus.LeaseNotFound, "leaseId 7 is not a live lease" },
        { new LeaseTimeToLiveCommand(7), StateStatus.LeaseNotFound, "leaseId 7 is not a live lease" },
    };

    [Theory]
    [MemberData(nameof(LimitCases))]
    public void Limits_are_enforced_with_an_error_naming_the_field_and_nothing_changes(StateCommand command, StateStatus status, string message)
    {
        var h = new Harness(new StateMachineOptions { MaxCommandBytes = 2 * KvLimits.MaxValueBytes });
        var error = h.Error(command, status);
        Assert.Equal(message, error.Message);
        Assert.Equal(1UL, h.Machine.Revision);
        Assert.Empty(h.Machine.Kv.All());
    }

    [Fact]
    public void The_key_and_value_limits_themselves_are_accepted()
    {
        var h = new Harness();
        var key = new byte[KvLimits.MaxKeyBytes];
        h.Ok<KvTxnResponse>(new KvPutCommand(key, new byte[KvLimits.MaxValueBytes]));
        Assert.Equal(KvLimits.MaxValueBytes, h.Machine.Kv.Get(key)!.Value.Length);
    }

    [Fact]
    public void A_command_above_the_size_limit_is_refused_as_too_large()
    {
        var h = new Harness(new StateMachineOptions { MaxCommandBytes = 1000 });
        var error = h.Error(new KvPutCommand(B("k"), new byte[2000]), StateStatus.TooLarge);
        Assert.StartsWith("command is ", error.Message, StringComparison.Ordinal);
    }
}
