using Cairn.Raft;

namespace Cairn.Storage.Tests;

/// <summary>
/// The WAL against <see cref="MemoryStorage"/> as the model: random append / truncate / compact / install /
/// restart sequences, compared after every step. A failure names the seed; set CAIRN_STORAGE_SEED to replay it.
/// </summary>
public sealed class ModelTests
{
    private static readonly WalStorageOptions _smallSegments = new() { SegmentSizeBytes = 4096, EntryCacheBytes = 1500, RetainedSnapshotCount = 2 };

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        var fixedSeed = Environment.GetEnvironmentVariable("CAIRN_STORAGE_SEED");
        if (fixedSeed is not null)
        {
            data.Add(int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture));
            return data;
        }

        for (var seed = 1; seed <= 12; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_operations_match_MemoryStorage_after_every_step(int seed)
    {
        using var dir = new TempDirectory();
        var workload = new Workload(seed);
        var model = new MemoryStorage();
        var wal = WalStorage.Open(dir.Path, _smallSegments);
        var step = 0;
        try
        {
            for (step = 0; step < 150; step++)
            {
                wal = Step(workload, model, wal, dir.Path);
                Assert.Equal(StorageState.Describe(model), StorageState.Describe(wal));
            }
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"seed {seed} failed at step {step}; replay with CAIRN_STORAGE_SEED={seed}", ex);
        }
        finally
        {
            wal.Dispose();
        }
    }

    private static WalStorage Step(Workload workload, MemoryStorage model, WalStorage wal, string path)
    {
        var random = workload.Random;
        switch (random.Next(20))
        {
            case < 12:
                {
                    // Mostly appends at the end, sometimes a conflicting suffix rewrite.
                    var last = model.LastIndex.Value;
                    var first = random.Next(4) == 0 && last >= model.FirstIndex.Value
                        ? (ulong)random.NextInt64((long)model.FirstIndex.Value, (long)last + 2)
                        : last + 1;
                    var entries = workload.Entries(new LogIndex(first), random.Next(0, 12), 300);
                    var hs = workload.MaybeHardState(model);
                    model.Persist(hs, entries, null);
                    wal.Persist(hs, entries, null);
                    return wal;
                }

            case < 15 when model.LastIndex > model.Snapshot.Metadata.Index:
                {
                    var index = (ulong)random.NextInt64((long)model.Snapshot.Metadata.Index.Value + 1, (long)model.LastIndex.Value + 1);
                    var membership = workload.Membership();
                    var data = workload.SnapshotData();
                    model.SaveSnapshot(new LogIndex(index), membership, data);
                    wal.SaveSnapshot(new LogIndex(index), membership, data);
                    return wal;
                }

            case < 16:
                {
                    // A snapshot received from a leader, possibly far ahead, with entries after it in the same batch.
                    var index = new LogIndex(model.Snapshot.Metadata.Index.Value + (ulong)random.Next(1, 40));
                    var snapshot = new Snapshot(new SnapshotMetadata(index, workload.NextTerm(), workload.Membership()), workload.SnapshotData());
                    var entries = random.Next(2) == 0 ? [] : workload.Entries(index.Next, random.Next(1, 5), 100);
                    var hs = workload.MaybeHardState(model);
                    model.Persist(hs, entries, snapshot);
                    wal.Persist(hs, entries, snapshot);
                    return wal;
                }

            default:
                wal.Dispose();
                var reopened = WalStorage.Open(path, _smallSegments);
                Assert.Empty(reopened.RecoveryWarnings);
                return reopened;
        }
    }
}
