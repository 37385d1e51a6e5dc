using Cairn.Raft;

namespace Cairn.Storage.Tests;

/// <summary>
/// A damaged newest snapshot: recovery falls back to the newest older snapshot whose log is still complete and
/// replays it to the same last index (the same state, more of it in the log), or refuses naming the file.
/// </summary>
public sealed class SnapshotFallbackTests
{
    private static readonly WalStorageOptions _options = new() { SegmentSizeBytes = 4096, EntryCacheBytes = 1500, RetainedSnapshotCount = 2 };
    private static readonly Membership _three = new([new NodeId(1), new NodeId(2), new NodeId(3)], []);

    [Fact]
    public void A_damaged_newest_snapshot_falls_back_to_the_previous_one_and_replays_the_log_after_it()
    {
        using var dir = new TempDirectory();
        var workload = new Workload(21);

        // "all" sees every operation; "fallback" skips the newest snapshot: it is what recovery must rebuild.
        var all = new MemoryStorage();
        var fallback = new MemoryStorage();
        using (var wal = WalStorage.Open(dir.Path, _options))
        {
            for (var round = 1; round <= 3; round++)
            {
                Append(workload, wal, all, fallback, batches: 15);
                var index = new LogIndex(wal.LastIndex.Value - 5);
                var data = new byte[] { (byte)round, 7 };
                wal.SaveSnapshot(index, _three, data);
                all.SaveSnapshot(index, _three, data);
                if (round < 3)
                {
                    fallback.SaveSnapshot(index, _three, data);
                }
            }

            Append(workload, wal, all, fallback, batches: 5);
            Assert.Equal(StorageState.Describe(all), StorageState.Describe(wal));
        }

        // The first snapshot was pruned and the segments it covered deleted; the second one's log is kept.
        Assert.False(File.Exists(Path.Combine(dir.Sub("wal"), StorageFormat.SegmentFileName(1))));
        var snapshots = Directory.GetFiles(dir.Sub("snap")).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, snapshots.Length);
        var newest = snapshots[^1];
        var bytes = File.ReadAllBytes(newest);
        bytes[^3] ^= 0x10;
        File.WriteAllBytes(newest, bytes);

        using (var reopened = WalStorage.Open(dir.Path, _options))
        {
            Assert.Equal(StorageState.Describe(fallback), StorageState.Describe(reopened));
            Assert.Equal(all.LastIndex, reopened.LastIndex);
            var warning = Assert.Single(reopened.RecoveryWarnings);
            Assert.Contains(newest, warning, StringComparison.Ordinal);
            Assert.True(File.Exists(newest + ".damaged"));
            Assert.False(File.Exists(newest));

            // Until a snapshot replaces the damaged one, every restart falls back again, also across segment rollovers.
            Append(workload, reopened, all, fallback, batches: 30);
        }

        using (var again = WalStorage.Open(dir.Path, _options))
        {
            Assert.Equal(StorageState.Describe(fallback), StorageState.Describe(again));
            Assert.Contains(newest, again.RecoveryWarnings.Single(), StringComparison.Ordinal);

            // Entries the recorded snapshot covers are applied state: they can no longer be rewritten.
            Assert.Throws<RaftInvariantException>(() => again.Persist(null, workload.Entries(again.FirstIndex.Next, 1, 10), null));

            // Retaking the snapshot at the recorded index replaces the damaged file.
            var recorded = all.Snapshot.Metadata;
            again.SaveSnapshot(recorded.Index, _three, all.Snapshot.Data);
            fallback.SaveSnapshot(recorded.Index, _three, all.Snapshot.Data);
            Assert.Equal(StorageState.Describe(fallback), StorageState.Describe(again));
        }

        using var retaken = WalStorage.Open(dir.Path, _options);
        Assert.Empty(retaken.RecoveryWarnings);
        Assert.Equal(StorageState.Describe(fallback), StorageState.Describe(retaken));
    }

    [Fact]
    public void A_damaged_only_snapshot_falls_back_to_the_empty_state_while_the_whole_log_is_kept()
    {
        using var dir = new TempDirectory();
        var workload = new Workload(22);
        var all = new MemoryStorage();
        var fallback = new MemoryStorage();
        using (var wal = WalStorage.Open(dir.Path, _options))
        {
            Append(workload, wal, all, fallback, batches: 20);
            wal.SaveSnapshot(new LogIndex(10), _three, new byte[300]);
            all.SaveSnapshot(new LogIndex(10), _three, new byte[300]);
        }

        var file = Directory.GetFiles(dir.Sub("snap")).Single();
        File.Delete(file);

        using var reopened = WalStorage.Open(dir.Path, _options);
        Assert.Equal(StorageState.Describe(fallback), StorageState.Describe(reopened));
        Assert.Contains("empty initial state", reopened.RecoveryWarnings.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_snapshot_with_no_complete_log_behind_it_is_refused_naming_it()
    {
        using var dir = new TempDirectory();
        var workload = new Workload(23);
        var options = new WalStorageOptions { SegmentSizeBytes = 4096, EntryCacheBytes = 1500, RetainedSnapshotCount = 1 };
        using (var wal = WalStorage.Open(dir.Path, options))
        {
            for (var round = 1; round <= 2; round++)
            {
                for (var i = 0; i < 15; i++)
                {
                    wal.Persist(null, workload.Entries(wal.LastIndex.Next, 4, 100), null);
                }

                wal.SaveSnapshot(new LogIndex(wal.LastIndex.Value - 3), _three, new byte[] { (byte)round });
            }
        }

        var file = Directory.GetFiles(dir.Sub("snap")).Single();
        var bytes = File.ReadAllBytes(file);
        bytes[20] ^= 1;
        File.WriteAllBytes(file, bytes);

        var refusal = Assert.Throws<StorageCorruptionException>(() => WalStorage.Open(dir.Path, options));
        Assert.Equal(file, refusal.FilePath);
        Assert.Contains("no older snapshot can replace it", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("compacted", refusal.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(file), "a refused start must leave the files as they were");
    }

    [Fact]
    public void A_damaged_installed_snapshot_is_refused_the_log_before_it_was_replaced()
    {
        using var dir = new TempDirectory();
        var workload = new Workload(24);
        using (var wal = WalStorage.Open(dir.Path, _options))
        {
            wal.Persist(null, workload.Entries(new LogIndex(1), 10, 50), null);
            wal.SaveSnapshot(new LogIndex(5), _three, new byte[] { 1 });
            var installed = new Snapshot(new SnapshotMetadata(new LogIndex(40), workload.NextTerm(), _three), new byte[] { 2 });
            wal.Persist(new HardState(installed.Metadata.Term, NodeId.None, new LogIndex(40)), workload.Entries(new LogIndex(41), 3, 50), installed);
        }

        var file = Directory.GetFiles(dir.Sub("snap")).Order(StringComparer.Ordinal).Last();
        File.WriteAllBytes(file, new byte[10]);

        var refusal = Assert.Throws<StorageCorruptionException>(() => WalStorage.Open(dir.Path, _options));
        Assert.Equal(file, refusal.FilePath);
        Assert.Contains("received from a leader replaced the log", refusal.Message, StringComparison.Ordinal);
    }

    private static void Append(Workload workload, WalStorage wal, MemoryStorage all, MemoryStorage fallback, int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            var entries = workload.Entries(wal.LastIndex.Next, workload.Random.Next(1, 6), 120);
            var hs = new HardState(entries[^1].Term, new NodeId(1), entries[^1].Index);
            wal.Persist(hs, entries, null);
            all.Persist(hs, entries, null);
            fallback.Persist(hs, entries, null);
        }
    }
}
