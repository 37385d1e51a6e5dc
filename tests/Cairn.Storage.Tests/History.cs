using Cairn.Raft;

namespace Cairn.Storage.Tests;

/// <summary>
/// A data directory written by a seeded sequence of persists, with the model's state after each one: every
/// recovery from a damaged copy must land on one of these states (a prefix of what was acknowledged).
/// </summary>
internal sealed class History
{
    private readonly Workload _workload;
    private readonly MemoryStorage _model = new();

    public History(string path, WalStorageOptions options, int seed)
    {
        Path = path;
        Options = options;
        _workload = new Workload(seed);
        States.Add(StorageState.Describe(_model));
    }

    public string Path { get; }

    public WalStorageOptions Options { get; }

    public List<string> States { get; } = [];

    public string Final => States[^1];

    public void Write(int batches, int maxEntries, int maxDataBytes, int minDataBytes = 0)
    {
        using var wal = WalStorage.Open(Path, Options);
        for (var i = 0; i < batches; i++)
        {
            var entries = _workload.Entries(_model.LastIndex.Next, _workload.Random.Next(1, maxEntries + 1), maxDataBytes, minDataBytes);
            var hs = new HardState(new Term((ulong)i + 1), new NodeId(1), _model.LastIndex);
            _model.Persist(hs, entries, null);
            wal.Persist(hs, entries, null);
            States.Add(StorageState.Describe(_model));
        }
    }

    public static Dictionary<string, byte[]> Image(string path) =>
        Directory.GetFiles(path, "*", SearchOption.AllDirectories).ToDictionary(f => f[path.Length..], File.ReadAllBytes);

    /// <summary>Writes <paramref name="image"/> as a fresh data directory at <paramref name="to"/>.</summary>
    public static void Restore(Dictionary<string, byte[]> image, string to)
    {
        if (Directory.Exists(to))
        {
            Directory.Delete(to, recursive: true);
        }

        foreach (var (name, bytes) in image)
        {
            var file = to + name;
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
        }
    }

    /// <summary>Opens a damaged copy: the recovered state, or null when recovery refused with a storage error.</summary>
    public static (string? State, IReadOnlyList<string> Warnings, StorageException? Refusal) Recover(string path, WalStorageOptions options)
    {
        try
        {
            using var wal = WalStorage.Open(path, options);
            return (StorageState.Describe(wal), wal.RecoveryWarnings, null);
        }
        catch (StorageException ex)
        {
            return (null, [], ex);
        }
    }

    /// <summary>The start of the last valid record of a segment image (where a torn tail may begin).</summary>
    public static long LastRecordStart(byte[] segment)
    {
        long position = StorageFormat.SegmentHeaderBytes;
        var last = position;
        while (WalCodec.Check(segment, position, out _, out var length) == RecordStatus.Valid)
        {
            last = position;
            position += StorageFormat.RecordExtent(length);
        }

        return last;
    }

    public static string[] DataSegments(Dictionary<string, byte[]> image) =>
        [.. image.Where(kv => kv.Key.EndsWith(".wal", StringComparison.Ordinal) && kv.Value.AsSpan(StorageFormat.SegmentHeaderBytes).ContainsAnyExcept((byte)0))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal)];
}
