using System.Diagnostics;
using Cairn.Raft;
using Cairn.Storage;

namespace Cairn.Benchmarks.Storage;

/// <summary>
/// A direct measurement of fsync-bound latency, which BenchmarkDotNet's mean hides: the raw limit (4 KiB write +
/// fdatasync in a loop, on a growing file and on a preallocated synced file), WAL persists of 1, 16 and 256
/// entries of 256 bytes with p50/p99, and recovery time of a log of a given size, all in one directory on one
/// disk. Prints a markdown table of ratios to the raw limit.
/// </summary>
public static class StorageLatencyProbe
{
    public static void Run(string directory, long recoveryLogBytes, TextWriter output)
    {
        Directory.CreateDirectory(directory);
        var rawGrowing = RawLoop(Path.Combine(directory, "raw-growing"), preallocate: false, 2000);
        var rawPrealloc = RawLoop(Path.Combine(directory, "raw-prealloc"), preallocate: true, 2000);
        output.WriteLine($"raw 4 KiB write + fdatasync, growing file:      p50 {rawGrowing.P50:F3} ms  p99 {rawGrowing.P99:F3} ms  {rawGrowing.PerSecond:F0} syncs/s");
        output.WriteLine($"raw 4 KiB write + fdatasync, preallocated file: p50 {rawPrealloc.P50:F3} ms  p99 {rawPrealloc.P99:F3} ms  {rawPrealloc.PerSecond:F0} syncs/s");
        output.WriteLine();
        output.WriteLine("| batch | persists | p50 ms | p99 ms | entries/s | p50 / raw growing | p50 / raw prealloc | entries/s / (batch x raw syncs/s) |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (batch, count) in new[] { (1, 2000), (16, 1000), (256, 300) })
        {
            var wal = WalLoop(Path.Combine(directory, $"wal-{batch}"), batch, count);
            var entriesPerSecond = wal.PerSecond * batch;
            output.WriteLine($"| {batch} | {count} | {wal.P50:F3} | {wal.P99:F3} | {entriesPerSecond:F0} | {wal.P50 / rawGrowing.P50:F2} | {wal.P50 / rawPrealloc.P50:F2} | {entriesPerSecond / (batch * rawGrowing.PerSecond):F2} |");
        }

        var (bytes, seconds) = Recovery(Path.Combine(directory, "recovery"), recoveryLogBytes);
        output.WriteLine();
        output.WriteLine($"recovery of a {bytes / (1 << 20)} MiB log ({bytes / (256 + 21)} entries of 256 B): {seconds:F2} s ({bytes / (1 << 20) / seconds:F0} MiB/s)");
    }

    /// <summary>
    /// Only the raw limit: <paramref name="count"/> 4 KiB writes, each followed by fdatasync, on a growing file and on a
    /// preallocated synced file in <paramref name="directory"/>, as two lines with p50 and p99 (bench/compare-etcd.sh).
    /// </summary>
    public static void RunRaw(string directory, int count, TextWriter output)
    {
        Directory.CreateDirectory(directory);
        var rawGrowing = RawLoop(Path.Combine(directory, "raw-growing"), preallocate: false, count);
        var rawPrealloc = RawLoop(Path.Combine(directory, "raw-prealloc"), preallocate: true, count);
        output.WriteLine($"raw 4 KiB write + fdatasync, growing file:      p50 {rawGrowing.P50:F3} ms  p99 {rawGrowing.P99:F3} ms  {rawGrowing.PerSecond:F0} syncs/s");
        output.WriteLine($"raw 4 KiB write + fdatasync, preallocated file: p50 {rawPrealloc.P50:F3} ms  p99 {rawPrealloc.P99:F3} ms  {rawPrealloc.PerSecond:F0} syncs/s");
    }

    private static Latency RawLoop(string path, bool preallocate, int count)
    {
        File.Delete(path);
        var block = new byte[4096];
        Random.Shared.NextBytes(block);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        if (preallocate)
        {
            var zeros = new byte[1 << 20];
            for (var at = 0L; at < (long)count * block.Length; at += zeros.Length)
            {
                RandomAccess.Write(stream.SafeFileHandle, zeros, at);
            }

            stream.Flush(flushToDisk: true);
        }

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            RandomAccess.Write(stream.SafeFileHandle, block, (long)i * block.Length);
            NativeMethods.FDataSync(stream.SafeFileHandle);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return Latency.Of(samples);
    }

    private static Latency WalLoop(string path, int batch, int count)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        using var wal = WalStorage.Open(path);
        var samples = new double[count];
        var data = new byte[256];
        Random.Shared.NextBytes(data);
        var entries = new Entry[batch];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < batch; j++)
            {
                entries[j] = new Entry(wal.LastIndex.Plus((ulong)j + 1), new Term(1), EntryKind.Command, data);
            }

            var start = Stopwatch.GetTimestamp();
            wal.Persist(new HardState(new Term(1), new NodeId(1), wal.LastIndex), entries, null);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return Latency.Of(samples);
    }

    private static (long Bytes, double Seconds) Recovery(string path, long logBytes)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        var data = new byte[256];
        var entries = new Entry[1024];
        using (var wal = WalStorage.Open(path))
        {
            for (long written = 0; written < logBytes; written += entries.Length * (256 + WalCodec.EntryHeaderBytes))
            {
                for (var j = 0; j < entries.Length; j++)
                {
                    entries[j] = new Entry(wal.LastIndex.Plus((ulong)j + 1), new Term(1), EntryKind.Command, data);
                }

                wal.Persist(null, entries, null);
            }
        }

        var start = Stopwatch.GetTimestamp();
        using (WalStorage.Open(path))
        {
            return (logBytes, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    private readonly record struct Latency(double P50, double P99, double PerSecond)
    {
        public static Latency Of(double[] samples)
        {
            var total = samples.Sum();
            Array.Sort(samples);
            return new Latency(samples[samples.Length / 2], samples[(int)(samples.Length * 0.99)], samples.Length / (total / 1000));
        }
    }
}
