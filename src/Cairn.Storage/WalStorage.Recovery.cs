using System.Buffers.Binary;
using Cairn.Primitives;
using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// Recovery on open: check the format, replay every segment through the same <see cref="LogTable"/> the write
/// path uses, truncate a torn final write with a warning, refuse every other kind of damage with the file and
/// offset, then load the snapshot the WAL names. The rules are listed in docs/storage.md.
/// </summary>
public sealed partial class WalStorage
{
    private byte[] _readBuffer = [];

    // While falling back to an older snapshot: the newest snapshot replay may load; newer ones are only noted.
    private LogIndex? _ceiling;

    private void Recover()
    {
        var snapshotDirectory = Path.Combine(Directory, StorageFormat.SnapshotDirectoryName);
        Durably(() =>
        {
            CheckOrCreateFormatFile();
            _fileSystem.CreateDirectory(_walDirectory);
            _fileSystem.CreateDirectory(snapshotDirectory);
            _fileSystem.SyncDirectory(Directory);
            foreach (var path in _fileSystem.ListFiles(_walDirectory).Where(p => p.EndsWith(StorageFormat.TempSuffix, StringComparison.Ordinal)))
            {
                // A segment still under its temporary name was never referenced by anything.
                _fileSystem.DeleteFile(path);
            }
        });

        var segments = OpenSegments();
        try
        {
            var active = Replay(segments, ceiling: null);
            Snapshot = LoadSnapshot(segments, ref active);
            Durably(() => _snapshots.RemoveUnreferenced(_table.RecordedIndex, _warnings));
            SetUpSegments(segments, active);
        }
        catch
        {
            if (_segments.Count == 0)
            {
                segments.ForEach(s => s.Dispose());
            }

            throw;
        }

        FillCache();

        // The recovery buffer is as large as a segment; the write path never needs it.
        _readBuffer = [];
    }

    /// <summary>
    /// Replays every segment into a fresh table. With a <paramref name="ceiling"/> (falling back to an older
    /// snapshot) snapshots recorded after it are noted but not loaded, so the entries they cover stay live.
    /// </summary>
    private int Replay(List<Segment> segments, LogIndex? ceiling)
    {
        _table = new LogTable();
        _ceiling = ceiling;
        foreach (var segment in segments)
        {
            segment.MaxIndex = 0;
        }

        var active = ReplaySegments(segments);
        if (_table.HasMissingEntries)
        {
            throw new StorageCorruptionException(segments[0].Path, StorageFormat.SegmentHeaderBytes,
                $"entries {_table.SnapshotIndex.Next}..{_table.Offset.Previous} belong to an older segment that is missing");
        }

        return active;
    }

    /// <summary>
    /// Loads the snapshot the WAL names. When its file is missing or damaged, falls back to the newest older
    /// snapshot (or the empty initial state) from which the retained log leads, without a gap or an installed
    /// snapshot in between, to the same last index: the state is the same, only more of the log is replayed.
    /// The damaged file is renamed aside (kept for analysis) and a warning says so. Refuses when none qualifies.
    /// </summary>
    private Snapshot LoadSnapshot(List<Segment> segments, ref int active)
    {
        if (_table.SnapshotIndex == LogIndex.Zero)
        {
            return Snapshot.Empty;
        }

        StorageCorruptionException damaged;
        try
        {
            return _snapshots.Load(_table.SnapshotIndex, _table.SnapshotTerm);
        }
        catch (StorageCorruptionException ex)
        {
            damaged = ex;
        }

        var (recordedIndex, recordedTerm, lastIndex) = (_table.SnapshotIndex, _table.SnapshotTerm, _table.LastIndex);
        var candidates = _snapshots.List().Where(c => c.Index < recordedIndex).OrderByDescending(c => c.Index.Value).Append((Index: LogIndex.Zero, Term: Term.Zero));
        var reasons = new List<string>();
        foreach (var (index, term) in candidates)
        {
            var name = index == LogIndex.Zero ? "the empty initial state" : $"snapshot {index}@{term}";
            Snapshot snapshot;
            try
            {
                snapshot = index == LogIndex.Zero ? Snapshot.Empty : _snapshots.Load(index, term);
                active = Replay(segments, index);
            }
            catch (StorageException ex)
            {
                reasons.Add($"{name}: {(ex is StorageCorruptionException c ? $"{c.FilePath} at offset {c.Offset}: {c.Problem}" : ex.Message)}");
                continue;
            }

            if (_table.SnapshotIndex != index || _table.SnapshotTerm != term || _table.RecordedIndex != recordedIndex || _table.LastIndex != lastIndex)
            {
                reasons.Add($"{name}: the WAL does not lead from it to snapshot {recordedIndex}");
                continue;
            }

            var aside = damaged.FilePath + StorageFormat.DamagedSuffix;
            Durably(() =>
            {
                if (_fileSystem.FileExists(damaged.FilePath))
                {
                    if (_fileSystem.FileExists(aside))
                    {
                        _fileSystem.DeleteFile(aside);
                    }

                    _fileSystem.RenameFile(damaged.FilePath, aside);
                    _fileSystem.SyncDirectory(Path.GetDirectoryName(damaged.FilePath)!);
                }
            });
            _warnings.Add($"{damaged.FilePath}: newest snapshot {recordedIndex}@{recordedTerm} is unusable ({damaged.Problem} at offset {damaged.Offset}); "
                + $"kept as {aside}; recovered from {name} and replayed the log after it to {lastIndex}; the next snapshot taken replaces the damaged one");
            return snapshot;
        }

        throw new StorageCorruptionException(damaged.FilePath, damaged.Offset,
            $"{damaged.Problem}; no older snapshot can replace it ({string.Join("; ", reasons)})");
    }

    private void CheckOrCreateFormatFile()
    {
        var path = Path.Combine(Directory, StorageFormat.FormatFileName);
        if (_fileSystem.FileExists(path))
        {
            var bytes = _snapshots.ReadAll(path);
            if (bytes.Length != StorageFormat.FormatFileBytes || !bytes.AsSpan().StartsWith(StorageFormat.FormatMagic))
            {
                throw new StorageCorruptionException(path, 0, "not a Cairn storage format file");
            }

            // The version is checked before the checksum: a future format may lay out the rest differently.
            var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
            if (version != StorageFormat.Version)
            {
                throw new StorageVersionException(path, version);
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)) != Crc32C.Compute(bytes.AsSpan(0, 12)))
            {
                throw new StorageCorruptionException(path, 12, "format file checksum mismatch");
            }

            return;
        }

        var hasData = _fileSystem.ListFiles(Directory).Any(p => Path.GetFileName(p) != StorageFormat.LockFileName && !p.EndsWith(StorageFormat.TempSuffix, StringComparison.Ordinal))
            || (System.IO.Directory.Exists(_walDirectory) && _fileSystem.ListFiles(_walDirectory).Count > 0);
        if (hasData)
        {
            throw new StorageCorruptionException(path, 0, "the format file is missing from a directory that already holds data");
        }

        var format = new byte[StorageFormat.FormatFileBytes];
        StorageFormat.FormatMagic.CopyTo(format);
        BinaryPrimitives.WriteUInt32LittleEndian(format.AsSpan(8), StorageFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(format.AsSpan(12), Crc32C.Compute(format.AsSpan(0, 12)));
        var temp = path + StorageFormat.TempSuffix;
        if (_fileSystem.FileExists(temp))
        {
            _fileSystem.DeleteFile(temp);
        }

        using (var file = _fileSystem.OpenFile(temp, createNew: true))
        {
            file.Write(0, format);
            file.Sync();
        }

        _fileSystem.RenameFile(temp, path);
        _fileSystem.SyncDirectory(Directory);
    }

    /// <summary>Opens every segment, checking that sequence numbers are contiguous and headers valid.</summary>
    private List<Segment> OpenSegments()
    {
        var found = new List<(long Seq, string Path)>();
        foreach (var path in _fileSystem.ListFiles(_walDirectory))
        {
            if (StorageFormat.TryParseSegmentFileName(Path.GetFileName(path), out var seq))
            {
                found.Add((seq, path));
            }
        }

        found.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        var segments = new List<Segment>();
        try
        {
            for (var i = 0; i < found.Count; i++)
            {
                if (i > 0 && found[i].Seq != found[i - 1].Seq + 1)
                {
                    throw new StorageCorruptionException(found[i].Path, 0, $"segment {found[i - 1].Seq + 1} is missing before it");
                }

                var segment = new Segment(found[i].Seq, found[i].Path, _fileSystem.OpenFile(found[i].Path, createNew: false));
                segments.Add(segment);
                CheckSegmentHeader(segment);
            }
        }
        catch
        {
            segments.ForEach(s => s.Dispose());
            throw;
        }

        return segments;
    }

    private static void CheckSegmentHeader(Segment segment)
    {
        Span<byte> header = stackalloc byte[StorageFormat.SegmentHeaderBytes];
        var read = segment.File.Read(0, header);
        if (read < header.Length || !header.StartsWith(StorageFormat.SegmentMagic))
        {
            throw new StorageCorruptionException(segment.Path, 0, "not a complete WAL segment header");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != StorageFormat.Version)
        {
            throw new StorageVersionException(segment.Path, version);
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) != Crc32C.Compute(header[..28])
            || BinaryPrimitives.ReadInt64LittleEndian(header[16..]) != segment.Seq)
        {
            throw new StorageCorruptionException(segment.Path, 0, "segment header checksum or sequence number mismatch");
        }
    }

    /// <summary>
    /// Replays the segments in order. Only the last segment holding any data may end in a torn write; the ones
    /// after it must be empty (preallocated spares). Returns the position of the active segment, or -1 when no
    /// segment holds a record yet.
    /// </summary>
    private int ReplaySegments(List<Segment> segments)
    {
        var tail = segments.Count - 1;
        while (tail >= 0 && !ReadSegment(segments[tail])[StorageFormat.SegmentHeaderBytes..].ContainsAnyExcept((byte)0))
        {
            tail--;
        }

        var active = -1;
        for (var k = 0; k <= tail; k++)
        {
            if (ReplaySegment(segments[k], isFirst: k == 0, isTail: k == tail))
            {
                active = k;
            }
            else if (k != tail)
            {
                throw new StorageCorruptionException(segments[k].Path, StorageFormat.SegmentHeaderBytes, "a segment before the last one holds no records");
            }
        }

        return active;
    }

    /// <summary>
    /// Reads the segment's records into the table; returns false when it holds none (after repairing a torn tail
    /// that was its only content).
    /// </summary>
    private bool ReplaySegment(Segment segment, bool isFirst, bool isTail)
    {
        var data = ReadSegment(segment);
        long position = StorageFormat.SegmentHeaderBytes;
        var records = 0;
        while (true)
        {
            var status = WalCodec.Check(data, position, out var type, out var length);
            if (status == RecordStatus.End && (position >= data.Length || !data[(int)position..].ContainsAnyExcept((byte)0)))
            {
                break;
            }

            if (status != RecordStatus.Valid)
            {
                if (!isTail)
                {
                    throw new StorageCorruptionException(segment.Path, position, "damaged record in a segment that later segments follow");
                }

                RepairTornTail(segment, data, position);
                break;
            }

            var payload = data.Slice((int)position + StorageFormat.RecordHeaderBytes, length);
            ApplyRecovered(segment, type, payload, position, isFirst: isFirst, firstInSegment: records == 0);
            records++;
            position += StorageFormat.RecordExtent(length);
        }

        segment.WritePosition = position;
        segment.HasBody = records > 1;
        return records > 0;
    }

    private void ApplyRecovered(Segment segment, RecordType type, ReadOnlySpan<byte> payload, long position, bool isFirst, bool firstInSegment)
    {
        if (firstInSegment != (type == RecordType.SegmentStart))
        {
            throw new StorageCorruptionException(segment.Path, position, firstInSegment ? "segment does not begin with a start record" : "start record in the middle of a segment");
        }

        switch (type)
        {
            case RecordType.SegmentStart:
                ApplyStart(segment, payload, position, isFirst);
                break;
            case RecordType.Batch:
                ApplyRecoveredBatch(segment, payload, position);
                break;
            default:
                ApplySnapshotSaved(segment, payload, position);
                break;
        }
    }

    private void ApplyStart(Segment segment, ReadOnlySpan<byte> payload, long position, bool isFirst)
    {
        if (payload.Length != WalCodec.StartPayloadBytes)
        {
            throw new StorageCorruptionException(segment.Path, position, "start record has the wrong length");
        }

        var start = WalCodec.ReadStart(payload);
        if (isFirst)
        {
            if (_ceiling is { } ceiling && start.SnapshotIndex > ceiling)
            {
                throw new StorageCorruptionException(segment.Path, position,
                    $"the oldest segment starts after snapshot {start.SnapshotIndex}: the log after {ceiling} was compacted");
            }

            _table.Start(start);
        }
        else if (start.HardState != _table.HardState || start.SnapshotIndex != _table.RecordedIndex || start.LastIndex != _table.LastIndex)
        {
            throw new StorageCorruptionException(segment.Path, position,
                $"segment does not continue the previous one: it starts after {start.LastIndex} ({start.HardState}, snapshot {start.SnapshotIndex}) but replay reached {_table.LastIndex} ({_table.HardState}, snapshot {_table.RecordedIndex})");
        }
    }

    private void ApplyRecoveredBatch(Segment segment, ReadOnlySpan<byte> payload, long position)
    {
        _newSlots.Clear();
        if (!WalCodec.TryReadBatch(payload, segment.Seq, position + StorageFormat.RecordHeaderBytes, out var batch, _newSlots))
        {
            throw new StorageCorruptionException(segment.Path, position, "batch record contents are inconsistent");
        }

        if (batch.InstallIndex is { } installIndex)
        {
            if (_ceiling is { } ceiling && installIndex > ceiling)
            {
                throw new StorageCorruptionException(segment.Path, position,
                    $"snapshot {installIndex} received from a leader replaced the log after {ceiling}");
            }

            _table.Install(installIndex, batch.InstallTerm);
        }

        if (_newSlots.Count > 0)
        {
            if (!_table.TryAppend(batch.FirstIndex, _newSlots))
            {
                throw new StorageCorruptionException(segment.Path, position,
                    $"entries start at {batch.FirstIndex} but the log replayed so far is [{_table.Offset}, {_table.LastIndex}] after snapshot {_table.SnapshotIndex}");
            }

            segment.MaxIndex = Math.Max(segment.MaxIndex, batch.FirstIndex.Value + (ulong)_newSlots.Count - 1);
        }

        if (batch.HardState is { } hardState)
        {
            _table.HardState = hardState;
        }
    }

    private void ApplySnapshotSaved(Segment segment, ReadOnlySpan<byte> payload, long position)
    {
        var (index, term) = payload.Length == 16 ? WalCodec.ReadSnapshotSaved(payload) : (LogIndex.Zero, Term.Zero);
        if ((_table.Contains(index) && _table[index].Term != term) || !_table.TrySaveSnapshot(index, term, load: _ceiling is not { } ceiling || index <= ceiling))
        {
            throw new StorageCorruptionException(segment.Path, position, $"snapshot record {index}@{term} does not match the log [{_table.Offset}, {_table.LastIndex}]");
        }
    }

    /// <summary>
    /// A record that fails its checksum or runs past the end of the last data segment is a torn final write
    /// only if nothing valid follows it; then it is zeroed on disk (so a later crash cannot resurrect its bytes)
    /// and reported. A valid record after it means damage in the middle of the log, which is refused.
    /// </summary>
    private void RepairTornTail(Segment segment, ReadOnlySpan<byte> data, long position)
    {
        for (var at = position + StorageFormat.RecordAlignment; at + StorageFormat.RecordHeaderBytes <= data.Length; at += StorageFormat.RecordAlignment)
        {
            if (WalCodec.Check(data, at, out _, out _) == RecordStatus.Valid)
            {
                throw new StorageCorruptionException(segment.Path, position, $"damaged record followed by a valid record at offset {at}: not a torn final write");
            }
        }

        var end = data.LastIndexOfAnyExcept((byte)0) + 1;
        var dropped = end - position;
        _warnings.Add($"{segment.Path}: torn write at offset {position}: dropped {dropped} bytes of the last write before the crash (never acknowledged unless the disk damaged it later)");
        var zeros = new byte[dropped];
        Durably(() =>
        {
            segment.File.Write(position, zeros);
            segment.File.Sync();
        });
    }

    /// <summary>
    /// Keeps the segments up to the active one open for reads and appends, takes the first empty one after it as
    /// the spare and deletes any further empty ones, then makes sure a spare exists.
    /// </summary>
    private void SetUpSegments(List<Segment> segments, int active)
    {
        if (active < 0)
        {
            InitializeEmptyWal(segments);
            return;
        }

        _segments.AddRange(segments.Take(active + 1));
        _active = segments[active];
        _spare = segments.Count > active + 1 ? segments[active + 1] : null;
        Durably(() =>
        {
            foreach (var extra in segments.Skip(active + 2))
            {
                _warnings.Add($"{extra.Path}: empty segment beyond the spare; deleted");
                extra.Dispose();
                _fileSystem.DeleteFile(extra.Path);
            }

            _fileSystem.SyncDirectory(_walDirectory);
        });
        if (_spare is null)
        {
            var seq = _active.Seq + 1;
            _spareTask = Task.Run(() => CreateSegmentFile(seq));
        }
    }

    /// <summary>
    /// A WAL with no record is new (or its creation was cut short): segment 1 becomes active with a start record
    /// for the empty log. A WAL whose oldest segment is not number 1 yet holds no record has lost data.
    /// </summary>
    private void InitializeEmptyWal(List<Segment> segments)
    {
        if (segments.Count > 0 && segments[0].Seq != 1)
        {
            throw new StorageCorruptionException(segments[0].Path, StorageFormat.SegmentHeaderBytes, "no segment holds a record but the oldest one is not segment 1");
        }

        _warnings.AddRange(segments.Skip(2).Select(s => $"{s.Path}: empty segment beyond the spare; deleted"));
        Durably(() =>
        {
            foreach (var extra in segments.Skip(2))
            {
                extra.Dispose();
                _fileSystem.DeleteFile(extra.Path);
            }

            _active = segments.Count > 0 ? segments[0] : CreateSegmentFile(1);
            _spare = segments.Count > 1 ? segments[1] : null;
            _segments.Add(_active);
            _writer.Reset();
            WalCodec.WriteStart(_writer, _table.HardState, _table.RecordedIndex, _table.RecordedTerm, _table.LastIndex);
            _active.File.Write(_active.WritePosition, _writer.Written);
            _active.File.Sync();
            _active.WritePosition += _writer.Length;
        });
        if (_spare is null)
        {
            _spareTask = Task.Run(() => CreateSegmentFile(2));
        }
    }

    /// <summary>
    /// Loads the newest entries' payloads into the cache, reading each segment's stretch in one call rather than
    /// one read per entry.
    /// </summary>
    private void FillCache()
    {
        var first = _table.LastIndex.Next;
        long bytes = 0;
        while (first > _table.Offset && bytes + _table[first.Previous].DataLength <= _options.EntryCacheBytes)
        {
            first = first.Previous;
            bytes += _table[first].DataLength;
        }

        var payloads = new List<Entry>();
        var run = first;
        while (run <= _table.LastIndex)
        {
            var end = run;
            while (end.Next <= _table.LastIndex && _table[end.Next].Segment == _table[run].Segment)
            {
                end = end.Next;
            }

            // Read back in one call per segment, every record checked again (the disk may differ from what replay saw).
            var from = _table[run].RecordOffset;
            ReadVerifiedRecords(FindSegment(_table[run].Segment), from, _table[end].DataOffset + _table[end].DataLength, ref _readBuffer);
            var span = _readBuffer.AsSpan();
            for (var i = run; i <= end; i = i.Next)
            {
                var slot = _table[i];
                payloads.Add(new Entry(i, slot.Term, slot.Kind, span.Slice((int)(slot.DataOffset - from), slot.DataLength).ToArray()));
            }

            run = end.Next;
        }

        _cache.Reset(first);
        _cache.Append(first, payloads);
    }

    private ReadOnlySpan<byte> ReadSegment(Segment segment) => ReadRange(segment, 0, segment.File.Length);

    private ReadOnlySpan<byte> ReadRange(Segment segment, long offset, long length)
    {
        if (_readBuffer.Length < length)
        {
            _readBuffer = new byte[length];
        }

        var read = segment.File.Read(offset, _readBuffer.AsSpan(0, (int)length));
        return _readBuffer.AsSpan(0, read);
    }
}
