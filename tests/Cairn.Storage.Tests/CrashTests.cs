using Cairn.Raft;

namespace Cairn.Storage.Tests;

/// <summary>
/// Crash consistency on real files: the images a crash can leave (the last write cut at every byte, bits
/// flipped, the tail zeroed, a segment deleted, a file cut short) recover to a prefix of the acknowledged
/// states or are refused with a <see cref="StorageException"/>; never to an invented state.
/// </summary>
public sealed class CrashTests
{
    private static readonly WalStorageOptions _oneSegment = new() { SegmentSizeBytes = 64 << 10, EntryCacheBytes = 1 << 20 };
    private static readonly WalStorageOptions _smallSegments = new() { SegmentSizeBytes = 4096, EntryCacheBytes = 1 << 20 };

    [Fact]
    public void Last_write_cut_at_every_byte_recovers_the_previous_state_until_complete()
    {
        using var dir = new TempDirectory();
        var history = new History(dir.Sub("live"), _oneSegment, seed: 3);
        history.Write(batches: 5, maxEntries: 4, maxDataBytes: 60);
        var before = History.Image(history.Path);
        history.Write(batches: 1, maxEntries: 3, maxDataBytes: 60);
        var after = History.Image(history.Path);

        var (_, lo, hi) = Diff(before, after);

        Assert.True(hi - lo > 40, $"the last write was only {hi - lo} bytes");
        var warned = AssertRecoveries(before, after, history, dir.Sub("crash"), step: 1);
        Assert.True(warned > (hi - lo) / 2, $"only {warned} of {hi - lo} torn recoveries warned");
    }

    [Fact]
    public void Last_write_cut_during_a_segment_rollover_recovers_the_previous_state_until_complete()
    {
        using var dir = new TempDirectory();
        var history = new History(dir.Sub("live"), _smallSegments, seed: 4);
        history.Write(batches: 12, maxEntries: 4, maxDataBytes: 100);
        var before = History.Image(history.Path);

        // Larger than a whole segment, so it must start the spare segment (start record + batch in one write).
        history.Write(batches: 1, maxEntries: 1, maxDataBytes: 4500, minDataBytes: 4200);
        var after = History.Image(history.Path);
        AssertRecoveries(before, after, history, dir.Sub("crash"), step: 5);
    }

    [Fact]
    public void Flipped_bits_anywhere_are_refused_or_cut_only_the_last_record()
    {
        using var dir = new TempDirectory();
        var history = new History(dir.Sub("live"), _smallSegments, seed: 5);
        history.Write(batches: 60, maxEntries: 5, maxDataBytes: 80);
        var image = History.Image(history.Path);
        var segments = History.DataSegments(image);
        Assert.True(segments.Length >= 3, $"only {segments.Length} segments");
        var refused = 0;
        foreach (var name in segments)
        {
            var original = image[name];
            var tailStart = name == segments[^1] ? History.LastRecordStart(original) : long.MaxValue;
            var end = original.AsSpan().LastIndexOfAnyExcept((byte)0) + 1;
            for (var offset = 0; offset < end; offset += 23)
            {
                var damaged = (byte[])original.Clone();
                damaged[offset] ^= (byte)(1 << (offset % 8));
                image[name] = damaged;
                History.Restore(image, dir.Sub("crash"));
                var (state, _, refusal) = History.Recover(dir.Sub("crash"), _smallSegments);
                refused += refusal is null ? 0 : 1;
                Assert.True(refusal is not null || history.States.Contains(state!), $"{name}@{offset}: invented state");
                Assert.True(refusal is not null || state == history.Final || offset >= tailStart, $"{name}@{offset}: mid-log damage was not refused");
            }

            image[name] = original;
        }

        Assert.True(refused > 100, $"only {refused} refusals");
    }

    [Fact]
    public void Zero_filled_tail_recovers_a_prefix()
    {
        using var dir = new TempDirectory();
        var history = new History(dir.Sub("live"), _oneSegment, seed: 6);
        history.Write(batches: 20, maxEntries: 5, maxDataBytes: 80);
        var image = History.Image(history.Path);
        var name = History.DataSegments(image)[^1];
        var original = image[name];
        var end = original.AsSpan().LastIndexOfAnyExcept((byte)0) + 1;
        var lastIndex = -1;
        for (var zeroed = 1; zeroed < end - StorageFormat.SegmentHeaderBytes; zeroed += 31)
        {
            var damaged = (byte[])original.Clone();
            damaged.AsSpan(end - zeroed, zeroed).Clear();
            image[name] = damaged;
            History.Restore(image, dir.Sub("crash"));
            var (state, _, refusal) = History.Recover(dir.Sub("crash"), _oneSegment);
            Assert.Null(refusal);
            var index = history.States.IndexOf(state!);
            Assert.True(index >= 0, $"zeroing {zeroed} bytes invented a state");
            Assert.True(lastIndex < 0 || index <= lastIndex, "zeroing more must not recover more");
            lastIndex = index;
        }
    }

    [Fact]
    public void File_cut_short_recovers_a_prefix_or_is_refused()
    {
        using var dir = new TempDirectory();
        var history = new History(dir.Sub("live"), _oneSegment, seed: 7);
        history.Write(batches: 10, maxEntries: 4, maxDataBytes: 50);
        var image = History.Image(history.Path);
        var name = History.DataSegments(image)[^1];
        var original = image[name];
        var end = original.AsSpan().LastIndexOfAnyExcept((byte)0) + 1;
        for (var length = 0; length <= end; length += 7)
        {
            image[name] = original[..length];
            History.Restore(image, dir.Sub("crash"));
            var (state, _, refusal) = History.Recover(dir.Sub("crash"), _oneSegment);
            Assert.True(refusal is not null || history.States.Contains(state!), $"cut at {length} invented a state");
            Assert.True(length >= StorageFormat.SegmentHeaderBytes || refusal is not null, $"cut at {length} inside the header was accepted");
        }
    }

    [Fact]
    public void Deleting_any_segment_but_the_spare_is_refused_naming_the_file()
    {
        using var dir = new TempDirectory();
        var history = new History(dir.Sub("live"), _smallSegments, seed: 8);
        history.Write(batches: 60, maxEntries: 5, maxDataBytes: 80);
        var image = History.Image(history.Path);
        var segments = image.Keys.Where(k => k.EndsWith(".wal", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count >= 4);
        foreach (var name in segments)
        {
            var copy = new Dictionary<string, byte[]>(image);
            copy.Remove(name);
            History.Restore(copy, dir.Sub("crash"));
            var (state, _, refusal) = History.Recover(dir.Sub("crash"), _smallSegments);
            if (name == segments[^1])
            {
                Assert.Equal(history.Final, state);
            }
            else
            {
                var corruption = Assert.IsType<StorageCorruptionException>(refusal);
                Assert.Contains(".wal", corruption.FilePath, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Damage_after_open_is_caught_when_an_entry_is_read_back_from_disk()
    {
        using var dir = new TempDirectory();
        var noCache = new WalStorageOptions { SegmentSizeBytes = 64 << 10, EntryCacheBytes = 0 };
        var workload = new Workload(9);
        var model = new MemoryStorage();
        using var wal = WalStorage.Open(dir.Path, noCache);
        for (var i = 0; i < 6; i++)
        {
            var entries = workload.Entries(wal.LastIndex.Next, 3, 80, minDataBytes: 20);
            wal.Persist(null, entries, null);
            model.Persist(null, entries, null);
        }

        Assert.Equal(StorageState.Describe(model), StorageState.Describe(wal));
        var segment = Path.Combine(dir.Sub("wal"), StorageFormat.SegmentFileName(1));
        var image = File.ReadAllBytes(segment);

        // Record positions: the start record, then one batch per persist; the fourth batch holds entries 10..12.
        var records = new List<long>();
        for (long at = StorageFormat.SegmentHeaderBytes; WalCodec.Check(image, at, out _, out var length) == RecordStatus.Valid; at += StorageFormat.RecordExtent(length))
        {
            records.Add(at);
        }

        Assert.Equal(7, records.Count);
        var record = records[4];
        foreach (var (offset, bit) in new[] { (record + 100, 3), (record + 5, 0), (record + StorageFormat.RecordExtent(0) + 2, 6) })
        {
            Flip(segment, offset, bit);
            var failure = Assert.Throws<StorageCorruptionException>(() => wal.ReadEntries(new LogIndex(1), new LogIndex(19), long.MaxValue, []));
            Assert.Equal(segment, failure.FilePath);
            Assert.Equal(record, failure.Offset);
            Assert.Throws<StorageCorruptionException>(() => wal.ReadEntries(new LogIndex(11), new LogIndex(12), long.MaxValue, []));
            Flip(segment, offset, bit);
        }

        // Entries of undamaged records still read; restored bytes read again.
        Flip(segment, record + 100, 3);
        var before = new List<Entry>();
        wal.ReadEntries(new LogIndex(1), new LogIndex(10), long.MaxValue, before);
        Assert.Equal(9, before.Count);
        Flip(segment, record + 100, 3);
        Assert.Equal(StorageState.Describe(model), StorageState.Describe(wal));
    }

    private static void Flip(string path, long offset, int bit)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        file.Position = offset;
        var value = (byte)file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ (1 << bit)));
    }

    /// <summary>The one file both images share whose bytes differ, and the differing range.</summary>
    private static (string Name, int Lo, int Hi) Diff(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after)
    {
        var changed = before.Keys.Where(k => after.ContainsKey(k) && !before[k].AsSpan().SequenceEqual(after[k])).ToList();
        var name = Assert.Single(changed);
        var (a, b) = (before[name], after[name]);
        var lo = a.AsSpan().CommonPrefixLength(b);
        var hi = b.Length;
        while (hi > lo && (hi > a.Length ? b[hi - 1] == 0 : a[hi - 1] == b[hi - 1]))
        {
            hi--;
        }

        return (name, lo, hi);
    }

    /// <summary>
    /// Recovers from every image where only the first <c>cut</c> bytes of the last write reached the disk
    /// (files the write created afterwards, such as the next spare, do not exist yet).
    /// </summary>
    private static int AssertRecoveries(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after, History history, string crash, int step)
    {
        var (name, lo, hi) = Diff(before, after);
        var warned = 0;
        for (var cut = 0; cut <= hi - lo; cut = cut == hi - lo ? cut + 1 : Math.Min(cut + step, hi - lo))
        {
            var torn = new Dictionary<string, byte[]>(before);
            // A write past the preallocated end extends the file only as far as it got.
            var bytes = new byte[Math.Max(before[name].Length, lo + cut)];
            before[name].CopyTo(bytes, 0);
            after[name].AsSpan(lo, cut).CopyTo(bytes.AsSpan(lo));
            torn[name] = bytes;
            History.Restore(torn, crash);
            var (state, warnings, refusal) = History.Recover(crash, history.Options);
            Assert.Null(refusal);
            var expected = cut == hi - lo ? history.States[^1] : history.States[^2];
            Assert.True(expected == state, $"cut {cut} of {hi - lo} bytes in {name}: recovered\n{state}\nexpected\n{expected}");
            warned += warnings.Count(w => w.Contains("dropped", StringComparison.Ordinal));
        }

        return warned;
    }
}
