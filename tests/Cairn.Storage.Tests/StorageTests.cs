using System.Buffers.Binary;
using Cairn.Raft;

namespace Cairn.Storage.Tests;

/// <summary>Lock file, format versions, fatal fsync, snapshots and compaction.</summary>
public sealed class StorageTests
{
    private static readonly WalStorageOptions _smallSegments = new() { SegmentSizeBytes = 4096 };
    private static readonly Membership _three = new([new NodeId(1), new NodeId(2), new NodeId(3)], []);

    [Fact]
    public void A_second_open_of_the_same_directory_is_refused_until_the_first_closes()
    {
        using var dir = new TempDirectory();
        var first = WalStorage.Open(dir.Path);
        var refusal = Assert.Throws<StorageLockedException>(() => WalStorage.Open(dir.Path));
        Assert.Contains("LOCK", refusal.Message, StringComparison.Ordinal);
        first.Dispose();
        WalStorage.Open(dir.Path).Dispose();
    }

    [Fact]
    public void A_directory_written_by_another_format_version_is_refused_with_both_versions()
    {
        using var dir = new TempDirectory();
        WalStorage.Open(dir.Path).Dispose();
        var format = dir.Sub("FORMAT");
        var bytes = File.ReadAllBytes(format);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(format, bytes);

        var refusal = Assert.Throws<StorageVersionException>(() => WalStorage.Open(dir.Path));

        Assert.Contains("version 2", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("only version 1", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_segment_written_by_another_format_version_is_refused()
    {
        using var dir = new TempDirectory();
        WalStorage.Open(dir.Path, _smallSegments).Dispose();
        var segment = Directory.GetFiles(dir.Sub("wal")).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(segment);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 7);
        File.WriteAllBytes(segment, bytes);

        var refusal = Assert.Throws<StorageVersionException>(() => WalStorage.Open(dir.Path, _smallSegments));

        Assert.Contains(segment, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_fsync_is_fatal_and_never_retried()
    {
        using var dir = new TempDirectory();
        var fileSystem = new FailingSyncFileSystem();
        var workload = new Workload(11);
        var acknowledged = new MemoryStorage();
        using (var wal = WalStorage.Open(dir.Path, _smallSegments, fileSystem))
        {
            var ok = workload.Entries(new LogIndex(1), 3, 50);
            wal.Persist(new HardState(new Term(1), new NodeId(1), LogIndex.Zero), ok, null);
            acknowledged.Persist(new HardState(new Term(1), new NodeId(1), LogIndex.Zero), ok, null);

            fileSystem.FailSyncs = true;
            Assert.Throws<StorageSyncException>(() => wal.Persist(null, workload.Entries(new LogIndex(4), 2, 50), null));
            fileSystem.FailSyncs = false;

            // Even with the disk healthy again the instance refuses: a retried fsync could report lost pages as durable.
            Assert.Throws<StorageSyncException>(() => wal.Persist(null, workload.Entries(new LogIndex(4), 2, 50), null));
            Assert.Throws<StorageSyncException>(() => wal.SaveSnapshot(new LogIndex(1), _three, new byte[] { 1 }));
        }

        // A restart recovers from disk; the failed batch may or may not have reached it, but nothing else changed.
        using var reopened = WalStorage.Open(dir.Path, _smallSegments);
        Assert.True(reopened.LastIndex.Value is 3 or 5);
        Assert.Equal(StorageState.Describe(acknowledged).Split('\n')[2..5], StorageState.Describe(reopened).Split('\n')[2..5]);
    }

    [Fact]
    public void One_sync_per_persist_whatever_the_batch_size()
    {
        using var dir = new TempDirectory();
        using var wal = WalStorage.Open(dir.Path);
        var workload = new Workload(12);
        wal.Persist(new HardState(new Term(1), NodeId.None, LogIndex.Zero), workload.Entries(new LogIndex(1), 256, 256), null);
        wal.Persist(null, workload.Entries(new LogIndex(257), 1, 256), null);
        wal.Persist(null, [], null);
        Assert.Equal(2, wal.SyncCount);
    }

    [Fact]
    public void Compaction_deletes_covered_segments_and_keeps_the_last_snapshots()
    {
        using var dir = new TempDirectory();
        var workload = new Workload(13);
        using (var wal = WalStorage.Open(dir.Path, _smallSegments))
        {
            for (var i = 0; i < 40; i++)
            {
                wal.Persist(null, workload.Entries(wal.LastIndex.Next, 4, 100), null);
            }

            Assert.True(File.Exists(Path.Combine(dir.Sub("wal"), StorageFormat.SegmentFileName(1))));
            for (var i = 1; i <= 4; i++)
            {
                wal.SaveSnapshot(new LogIndex((ulong)(i * 30)), _three, new byte[] { (byte)i });
            }

            // Not a count of files: the next segment is preallocated in the background and may appear at any moment.
            Assert.False(File.Exists(Path.Combine(dir.Sub("wal"), StorageFormat.SegmentFileName(1))));
            Assert.Equal(2, Directory.GetFiles(dir.Sub("snap")).Length);
            Assert.Equal(new LogIndex(121), wal.FirstIndex);
        }

        using var reopened = WalStorage.Open(dir.Path, _smallSegments);
        Assert.Equal(new LogIndex(120), reopened.Snapshot.Metadata.Index);
        Assert.Equal(new byte[] { 4 }, reopened.Snapshot.Data.ToArray());
        Assert.Equal(_three, reopened.Snapshot.Metadata.Membership);
        Assert.Equal(new LogIndex(160), reopened.LastIndex);
    }

    [Fact]
    public void A_staged_snapshot_is_current_only_once_saved_and_a_restart_before_that_discards_it()
    {
        using var dir = new TempDirectory();
        var workload = new Workload(14);
        using (var wal = WalStorage.Open(dir.Path))
        {
            wal.Persist(null, workload.Entries(new LogIndex(1), 50, 100), null);
            wal.SaveSnapshot(new LogIndex(10), _three, new byte[] { 1 });
            wal.SaveSnapshot(new LogIndex(20), _three, new byte[] { 2 });
            var syncs = wal.SyncCount;

            wal.StageSnapshot(new SnapshotMetadata(new LogIndex(30), TermOf(wal, 30), _three), new byte[] { 3 });
            Assert.Equal(new LogIndex(20), wal.Snapshot.Metadata.Index);
            Assert.Equal(syncs, wal.SyncCount); // the file only; no WAL record

            // A compaction meanwhile neither counts nor deletes the staged file (two kept: 20 and 10).
            wal.SaveSnapshot(new LogIndex(25), _three, new byte[] { 4 });
            Assert.Equal(3, Directory.GetFiles(dir.Sub("snap")).Length);
        }

        using (var reopened = WalStorage.Open(dir.Path))
        {
            Assert.Equal(new LogIndex(25), reopened.Snapshot.Metadata.Index);
            Assert.Contains(reopened.RecoveryWarnings, w => w.Contains("never recorded in the WAL", StringComparison.Ordinal));
            Assert.Equal(2, Directory.GetFiles(dir.Sub("snap")).Length);

            reopened.StageSnapshot(new SnapshotMetadata(new LogIndex(40), TermOf(reopened, 40), _three), new byte[] { 5 });
            var syncs = reopened.SyncCount;
            reopened.SaveSnapshot(new LogIndex(40), _three, new byte[] { 5 });
            Assert.Equal(syncs + 1, reopened.SyncCount);
        }

        using var again = WalStorage.Open(dir.Path);
        Assert.Equal(new LogIndex(40), again.Snapshot.Metadata.Index);
        Assert.Equal(new byte[] { 5 }, again.Snapshot.Data.ToArray());
    }

    [Fact]
    public void A_snapshot_streams_in_chunks_to_a_follower_and_survives_its_restart()
    {
        using var dir = new TempDirectory();
        var workload = new Workload(14);
        var data = new byte[100_000];
        workload.Random.NextBytes(data);
        using var leader = WalStorage.Open(dir.Sub("leader"));
        leader.Persist(null, workload.Entries(new LogIndex(1), 10, 10), null);
        leader.SaveSnapshot(new LogIndex(8), _three, data);

        using (var follower = WalStorage.Open(dir.Sub("follower")))
        {
            using var reader = leader.OpenSnapshotReader();
            using var receiver = follower.BeginSnapshotReceive();
            var chunk = new byte[4096];
            for (long offset = 0; offset < reader.LengthBytes;)
            {
                var read = reader.ReadChunk(offset, chunk);
                receiver.WriteChunk(offset, chunk.AsSpan(0, read));
                offset += read;
            }

            var snapshot = receiver.Complete();
            follower.Persist(new HardState(new Term(3), NodeId.None, new LogIndex(8)), [], snapshot);
        }

        using var restarted = WalStorage.Open(dir.Sub("follower"));
        Assert.Equal(leader.Snapshot.Metadata, restarted.Snapshot.Metadata);
        Assert.Equal(data, restarted.Snapshot.Data.ToArray());
        Assert.Equal(new LogIndex(9), restarted.FirstIndex);
        Assert.Equal(new LogIndex(8), restarted.LastIndex);
    }

    [Fact]
    public void A_damaged_stream_is_refused_and_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        using var leader = WalStorage.Open(dir.Sub("leader"));
        leader.Persist(null, new Workload(15).Entries(new LogIndex(1), 3, 10), null);
        leader.SaveSnapshot(new LogIndex(2), _three, new byte[5000]);
        using var follower = WalStorage.Open(dir.Sub("follower"));
        using var reader = leader.OpenSnapshotReader();
        var bytes = new byte[reader.LengthBytes];
        reader.ReadChunk(0, bytes);
        bytes[^100] ^= 1;

        using (var receiver = follower.BeginSnapshotReceive())
        {
            Assert.Throws<ArgumentException>(() => receiver.WriteChunk(10, bytes));
            receiver.WriteChunk(0, bytes);
            Assert.Throws<StorageCorruptionException>(receiver.Complete);
        }

        Assert.Empty(Directory.GetFiles(dir.Sub("follower/snap")));
    }

    private static Term TermOf(WalStorage wal, ulong index)
    {
        Assert.True(wal.TryGetTerm(new LogIndex(index), out var term));
        return term;
    }
}
