using System.Globalization;
using Cairn.State.Kv;
using Xunit.Abstractions;
using static Cairn.State.Tests.Harness;

namespace Cairn.State.Tests;

/// <summary>
/// Model-based property test: seeded random command sequences applied to the state machine and to a naive model (a
/// dictionary and a few loops), compared after every step; snapshots round trip and a second replica fed the same bytes
/// ends byte-identical. A failure names the seed; replay one with CAIRN_STATE_SEED=&lt;seed&gt;.
/// </summary>
public sealed class ModelTests(ITestOutputHelper output)
{
    private sealed record ModelKv(string Value, ulong Create, ulong Mod, ulong Version, ulong Lease);

    /// <summary>A lease deadline saturates rather than wrapping (the generator's clock can wrap near 2^64).</summary>
    private static ulong Deadline(ulong startMs, ulong ttlMs) => startMs > ulong.MaxValue - ttlMs ? ulong.MaxValue : startMs + ttlMs;

    private sealed class Model
    {
        public SortedDictionary<string, ModelKv> Data { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<ulong, (ulong TtlMs, ulong DeadlineMs)> Leases { get; } = [];

        public ulong Revision { get; set; } = 1;

        public ulong TimeMs { get; set; }

        public ulong CompactRevision { get; set; }

        public void DeleteKeys(IEnumerable<string> keys)
        {
            var list = keys.ToList();
            if (list.Count == 0)
            {
                return;
            }
            Revision++;
            foreach (var key in list)
            {
                Data.Remove(key);
            }
        }

        public void Revoke(ulong id)
        {
            Leases.Remove(id);
            DeleteKeys(Data.Where(p => p.Value.Lease == id).Select(p => p.Key));
        }

        public void Put(string key, string value, ulong lease)
        {
            Revision++;
            Data[key] = Data.TryGetValue(key, out var old)
                ? new ModelKv(value, old.Create, Revision, old.Version + 1, lease)
                : new ModelKv(value, Revision, Revision, 1, lease);
        }
    }

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        var fixedSeed = Environment.GetEnvironmentVariable("CAIRN_STATE_SEED");
        if (fixedSeed is not null)
        {
            data.Add(int.Parse(fixedSeed, CultureInfo.InvariantCulture));
            return data;
        }
        for (var seed = 1; seed <= 24; seed++)
        {
            data.Add(seed);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_command_sequences_match_a_naive_model(int seed)
    {
        output.WriteLine($"seed {seed} (replay: CAIRN_STATE_SEED={seed} dotnet test tests/Cairn.State.Tests --filter Random_command_sequences)");
        var random = new Random(seed);
        var h = new Harness();
        var replica = new StateMachine();
        var model = new Model();
        for (var step = 0; step < 400; step++)
        {
            var index = h.NextIndex;
            var (command, check) = Next(random, model, index);
            var bytes = StateCodec.EncodeCommand(command);
            var result = h.ApplyRaw(bytes);
            replica.Apply(index, bytes);
            var context = $"seed {seed} step {step} {command}";
            Assert.True(check(result.Response), $"{context}: unexpected {result.Response}");
            AssertSameState(model, h.Machine, context);
            if (step % 50 == 49)
            {
                var snapshot = h.Machine.Snapshot();
                Assert.Equal(snapshot, replica.Snapshot());
                var restored = new StateMachine();
                Assert.True(restored.TryRestore(snapshot, out var error), error);
                Assert.Equal(snapshot, restored.Snapshot());
            }
        }
    }

    private static void AssertSameState(Model model, StateMachine machine, string context)
    {
        Assert.True(model.Revision == machine.Revision, $"{context}: revision {machine.Revision}, model {model.Revision}");
        var actual = string.Join("; ", machine.Kv.All().Select(kv => $"{S(kv.Key)}={S(kv.Value)} c{kv.CreateRevision} m{kv.ModRevision} v{kv.Version} l{kv.LeaseId}"));
        var expected = string.Join("; ", model.Data.Select(p => $"{p.Key}={p.Value.Value} c{p.Value.Create} m{p.Value.Mod} v{p.Value.Version} l{p.Value.Lease}"));
        Assert.True(expected == actual, $"{context}:\n  machine {actual}\n  model   {expected}");
        Assert.Equal(model.Leases.Keys, machine.Kv.LeaseIds);
        Assert.Equal(model.TimeMs, machine.CommittedTimeMs);
        Assert.Equal(model.CompactRevision, machine.Kv.CompactRevision);
    }

    private static string Key(Random random) => random.Next(3) switch
    {
        0 => $"a/{random.Next(4)}",
        1 => $"b/{random.Next(4)}",
        _ => $"{(char)('a' + random.Next(3))}",
    };

    private static ulong Lease(Random random, Model model) => random.Next(4) switch
    {
        0 when model.Leases.Count > 0 => model.Leases.Keys.ElementAt(random.Next(model.Leases.Count)),
        1 => (ulong)random.Next(1, 1000),
        _ => 0,
    };

    private static (StateCommand, Func<StateResponse, bool>) Next(Random random, Model model, ulong index)
    {
        switch (random.Next(10))
        {
            case 0 or 1 or 2:
                {
                    var (key, value, lease) = (Key(random), $"v{random.Next(100)}", Lease(random, model));
                    if (lease != 0 && !model.Leases.ContainsKey(lease))
                    {
                        return (new KvPutCommand(B(key), B(value), lease), r => r.Status == StateStatus.LeaseNotFound);
                    }
                    model.Put(key, value, lease);
                    var revision = model.Revision;
                    return (new KvPutCommand(B(key), B(value), lease), r => r is KvTxnResponse t && t.Revision == revision);
                }
            case 3:
                {
                    var (key, prefix) = (random.Next(2) == 0 ? Key(random) : $"{(char)('a' + random.Next(3))}/", random.Next(2) == 0);
                    var matches = model.Data.Keys.Where(k => prefix ? k.StartsWith(key, StringComparison.Ordinal) : k == key).ToList();
                    model.DeleteKeys(matches);
                    return (new KvDeleteCommand(B(key), prefix), r => r is KvTxnResponse { Responses: [KvDeleteResponse d] } && d.Deleted == (ulong)matches.Count);
                }
            case 4:
                {
                    var (prefix, limit) = ($"{(char)('a' + random.Next(3))}", (ulong)random.Next(0, 4));
                    var matches = model.Data.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                    var shown = limit == 0 ? matches : [.. matches.Take((int)limit)];
                    return (new KvRangeCommand(B(prefix), true, limit), r => r is KvTxnResponse { Responses: [KvRangeResponse range] }
                        && range.Kvs.Select(kv => S(kv.Key)).SequenceEqual(shown) && range.Count == (ulong)matches.Count);
                }
            case 5:
                return NextTxn(random, model);
            case 6:
                {
                    var ttl = (ulong)random.Next(1, 500);
                    model.Leases[index] = (ttl, Deadline(model.TimeMs, ttl));
                    return (new LeaseGrantCommand(0, ttl), r => r is LeaseGrantResponse g && g.LeaseId == index);
                }
            case 7:
                {
                    var lease = Lease(random, model);
                    var exists = model.Leases.TryGetValue(lease, out var state);
                    if (random.Next(2) == 0)
                    {
                        if (exists)
                        {
                            model.Revoke(lease);
                        }
                        return (new LeaseRevokeCommand(lease), r => r.Status == (exists ? StateStatus.Ok : StateStatus.LeaseNotFound));
                    }
                    if (exists)
                    {
                        model.Leases[lease] = (state.TtlMs, Math.Max(state.DeadlineMs, Deadline(model.TimeMs, state.TtlMs)));
                    }
                    return (new LeaseKeepAliveCommand(lease), r => r.Status == (exists ? StateStatus.Ok : StateStatus.LeaseNotFound));
                }
            case 8:
                {
                    var now = model.TimeMs + (ulong)random.Next(0, 300) - (ulong)random.Next(0, 50);
                    model.TimeMs = Math.Max(model.TimeMs, now);
                    var due = model.Leases.Where(p => p.Value.DeadlineMs <= model.TimeMs).OrderBy(p => p.Value.DeadlineMs).ThenBy(p => p.Key).Select(p => p.Key).ToList();
                    foreach (var id in due)
                    {
                        model.Revoke(id);
                    }
                    return (new ExpireLeasesCommand(0, now), r => r is TimeAdvancedResponse t && t.ExpiredLeases == (ulong)due.Count);
                }
            default:
                {
                    var revision = (ulong)random.Next(0, (int)model.Revision + 2);
                    var ok = revision > model.CompactRevision && revision <= model.Revision;
                    if (ok)
                    {
                        model.CompactRevision = revision;
                    }
                    return (new KvCompactCommand(revision), r => r.Status == (ok ? StateStatus.Ok : revision <= model.CompactRevision ? StateStatus.RevisionCompacted : StateStatus.FutureRevision));
                }
        }
    }

    private static (StateCommand, Func<StateResponse, bool>) NextTxn(Random random, Model model)
    {
        var (watched, version) = (Key(random), (ulong)random.Next(0, 3));
        var (put, deleted) = ($"a/{random.Next(4)}", $"b/{random.Next(4)}");
        var holds = (model.Data.TryGetValue(watched, out var kv) ? kv.Version : 0) == version;
        var txn = new KvTxnCommand(
            [KvCompare.VersionIs(B(watched), KvCompareOperator.Equal, version)],
            [new KvPutCommand(B(put), B("txn")), new KvDeleteCommand(B(deleted))],
            [new KvDeleteCommand(B(deleted)), new KvRangeCommand(B(put))]);
        var before = model.Revision;
        var deletes = model.Data.ContainsKey(deleted);
        if (holds)
        {
            model.Put(put, "txn", 0);
            model.Data.Remove(deleted);
        }
        else
        {
            model.DeleteKeys(deletes ? [deleted] : []);
        }
        var revision = model.Revision;
        Assert.True(revision - before <= 1);
        return (txn, r => r is KvTxnResponse t && t.Succeeded == holds && t.Revision == revision);
    }
}
