using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// The durable <see cref="IRaftStorage"/>: a write-ahead log of segment files plus snapshot files, behaving
/// exactly like <see cref="MemoryStorage"/> except that what it holds survives a crash. Each
/// <see cref="Persist"/> is one checksummed record, one write and one fdatasync, so the entries and hard state
/// of a batch become durable together or not at all. Reads are served from memory. Not thread-safe: the node's
/// event loop owns it. After any write or sync error every call throws <see cref="StorageSyncException"/>.
/// The file formats and recovery rules are in docs/storage.md.
/// </summary>
public sealed partial class WalStorage : IRaftStorage, IDisposable
{
    private readonly IStorageFileSystem _fileSystem;
    private readonly WalStorageOptions _options;
    private readonly string _walDirectory;
    private readonly IDisposable _lock;
    private readonly SnapshotStore _snapshots;
    private LogTable _table = new();

    // Ordered and contiguous by sequence number: from the oldest live segment to the active one (the last).
    private readonly List<Segment> _segments = [];
    private readonly RecordWriter _writer = new();
    private readonly List<int> _dataOffsets = [];
    private readonly List<EntrySlot> _newSlots = [];
    private readonly List<string> _warnings = [];
    private readonly EntryCache _cache;
    private Segment _active = null!;

    // The last record ReadFromDisk read and verified, within one ReadEntries call (segment -1: none).
    private const int MaxKeptRecordBufferBytes = 1 << 20;
    private byte[] _recordBuffer = [];
    private long _recordSegment = -1;
    private long _recordOffset;

    // The next segment, preallocated and synced before it is needed; null while _spareTask prepares it.
    private Segment? _spare;
    private Task<Segment>? _spareTask;
    // Volatile: a snapshot staged off the loop, or a snapshot being received, may set it from another thread.
    private volatile bool _failed;
    private bool _disposed;

    private WalStorage(string directory, IStorageFileSystem fileSystem, WalStorageOptions options, IDisposable directoryLock)
    {
        Directory = directory;
        _fileSystem = fileSystem;
        _options = options;
        _lock = directoryLock;
        _walDirectory = Path.Combine(directory, StorageFormat.WalDirectoryName);
        _snapshots = new SnapshotStore(fileSystem, Path.Combine(directory, StorageFormat.SnapshotDirectoryName));
        _cache = new EntryCache(options.EntryCacheBytes);
    }

    /// <summary>The data directory this storage owns.</summary>
    public string Directory { get; }

    /// <summary>
    /// What recovery repaired when this instance opened (a torn final write truncated, with the bytes dropped;
    /// leftover files removed). Empty after a clean shutdown. The host logs these as warnings.
    /// </summary>
    public IReadOnlyList<string> RecoveryWarnings => _warnings;

    /// <inheritdoc/>
    public HardState HardState => _table.HardState;

    /// <inheritdoc/>
    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    /// <inheritdoc/>
    public LogIndex FirstIndex => _table.Offset;

    /// <inheritdoc/>
    public LogIndex LastIndex => _table.LastIndex;

    /// <summary>How many WAL syncs <see cref="Persist"/> and <see cref="SaveSnapshot"/> have done since open.</summary>
    public long SyncCount { get; private set; }

    /// <summary>
    /// Opens (creating if empty) the data directory, takes its lock and recovers: newest snapshot recorded in
    /// the WAL, then the log after it. Returns only a storage whose contents are a prefix of what was persisted.
    /// </summary>
    /// <param name="directory">The node's data directory.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="fileSystem">The file-system port; the real disk when null.</param>
    /// <exception cref="StorageLockedException">Another process or instance holds the directory.</exception>
    /// <exception cref="StorageVersionException">A file was written by an incompatible format version.</exception>
    /// <exception cref="StorageCorruptionException">Damage other than a torn final write; names the file and offset.</exception>
    /// <exception cref="StorageSyncException">Syncing a repair or a new file failed.</exception>
    public static WalStorage Open(string directory, WalStorageOptions? options = null, IStorageFileSystem? fileSystem = null)
    {
        options ??= new WalStorageOptions();
        options.Validate();
        fileSystem ??= PhysicalFileSystem.Instance;
        directory = Path.GetFullPath(directory);
        fileSystem.CreateDirectory(directory);
        var directoryLock = fileSystem.LockFile(Path.Combine(directory, StorageFormat.LockFileName));
        WalStorage? storage = null;
        try
        {
            storage = new WalStorage(directory, fileSystem, options, directoryLock);
            storage.Recover();
            return storage;
        }
        catch
        {
            if (storage is null)
            {
                directoryLock.Dispose();
            }
            else
            {
                storage.Dispose();
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public bool TryGetTerm(LogIndex index, out Term term)
    {
        if (index == _table.SnapshotIndex)
        {
            term = _table.SnapshotTerm;
            return true;
        }

        if (!_table.Contains(index))
        {
            term = Term.Zero;
            return false;
        }

        term = _table[index].Term;
        return true;
    }

    /// <inheritdoc/>
    public void ReadEntries(LogIndex from, LogIndex to, long maxBytes, List<Entry> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (!(from >= FirstIndex && to <= LastIndex.Next && from <= to))
        {
            throw new RaftInvariantException($"storage read [{from}, {to}) outside [{FirstIndex}, {LastIndex}]");
        }

        long bytes = 0;
        _recordSegment = -1;
        for (var i = from; i < to; i = i.Next)
        {
            var slot = _table[i];
            bytes += slot.DataLength + Entry.OverheadBytes;
            if (i > from && bytes > maxBytes)
            {
                break;
            }

            var data = _cache.TryGet(i, out var cached) ? cached : ReadFromDisk(slot);
            into.Add(new Entry(i, slot.Term, slot.Kind, data));
        }

        if (_recordBuffer.Length > MaxKeptRecordBufferBytes)
        {
            _recordBuffer = [];
        }
    }

    /// <summary>
    /// Opens the current snapshot for streaming to a follower.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no snapshot yet.</exception>
    public SnapshotReader OpenSnapshotReader()
    {
        ThrowIfUnusable();
        if (Snapshot.IsEmpty)
        {
            throw new InvalidOperationException("there is no snapshot to stream");
        }

        return _snapshots.OpenReader(Snapshot.Metadata);
    }

    /// <summary>Starts receiving a snapshot streamed from the leader (see <see cref="SnapshotReceiver"/>).</summary>
    public SnapshotReceiver BeginSnapshotReceive()
    {
        ThrowIfUnusable();
        return _snapshots.BeginReceive(() => _failed = true);
    }

    /// <summary>
    /// Closes the files and releases the directory lock. Everything already persisted stays durable; nothing
    /// else is written, so disposing is the same as a crash from the disk's point of view.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            // The spare's preparation must finish (or fail) before its file handle can be closed.
            _spareTask?.Wait();
        }
        catch (AggregateException)
        {
            // The failure was either reported by a write already or concerns a file nothing refers to yet.
        }

        _spare ??= _spareTask is { IsCompletedSuccessfully: true } task ? task.Result : null;
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }

        _spare?.Dispose();
        _lock.Dispose();
    }

    /// <summary>
    /// Reads an entry's payload from its segment. The whole record holding it is read and its checksums checked
    /// again, as on recovery: the disk may have damaged it since. The record stays in a buffer for the rest of
    /// the <see cref="ReadEntries"/> call, so the entries of one batch cost one read.
    /// </summary>
    private ReadOnlyMemory<byte> ReadFromDisk(EntrySlot slot)
    {
        if (_recordSegment != slot.Segment || _recordOffset != slot.RecordOffset)
        {
            _recordSegment = -1;
            ReadVerifiedRecords(FindSegment(slot.Segment), slot.RecordOffset, slot.DataOffset + slot.DataLength, ref _recordBuffer);
            (_recordSegment, _recordOffset) = (slot.Segment, slot.RecordOffset);
        }

        return _recordBuffer.AsSpan(slot.RecordDelta, slot.DataLength).ToArray();
    }

    /// <summary>
    /// Reads into <paramref name="buffer"/> the records from <paramref name="from"/> (a record's start) through
    /// the one holding byte <paramref name="through"/> - 1, checking each record's header and payload CRC-32C.
    /// </summary>
    /// <exception cref="StorageCorruptionException">A record is damaged or cut short; names the file and offset.</exception>
    private static void ReadVerifiedRecords(Segment segment, long from, long through, ref byte[] buffer)
    {
        var available = ReadInto(segment, from, through - from, ref buffer);
        long position = 0;
        while (position < through - from)
        {
            if (available - position < StorageFormat.RecordHeaderBytes
                || !WalCodec.TryReadHeader(buffer.AsSpan((int)position, StorageFormat.RecordHeaderBytes), out _, out var length))
            {
                throw new StorageCorruptionException(segment.Path, from + position, "record header failed its checksum when read back from disk");
            }

            var end = position + StorageFormat.RecordHeaderBytes + length;
            if (end > available)
            {
                available = ReadInto(segment, from, end, ref buffer);
            }

            if (end > available || WalCodec.Check(buffer.AsSpan(0, (int)end), position, out _, out _) != RecordStatus.Valid)
            {
                throw new StorageCorruptionException(segment.Path, from + position, "record failed its checksum when read back from disk");
            }

            position += StorageFormat.RecordExtent(length);
        }
    }

    private static long ReadInto(Segment segment, long offset, long count, ref byte[] buffer)
    {
        if (buffer.Length < count)
        {
            buffer = new byte[count];
        }

        return segment.File.Read(offset, buffer.AsSpan(0, (int)count));
    }

    private Segment FindSegment(long seq)
    {
        // Segments are contiguous by sequence number, so the position is the difference from the oldest.
        var segment = _segments[(int)(seq - _segments[0].Seq)];
        return segment.Seq == seq ? segment : throw new InvalidOperationException($"segment {seq} is not open");
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failed)
        {
            throw new StorageSyncException($"storage in {Directory} failed earlier and cannot accept writes; restart the node so it recovers from disk");
        }
    }
}
