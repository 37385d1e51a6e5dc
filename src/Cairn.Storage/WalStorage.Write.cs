using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>The write path: one record, one write, one fdatasync per call; memory is updated only after the sync.</summary>
public sealed partial class WalStorage
{
    /// <inheritdoc/>
    /// <exception cref="RaftInvariantException">The entries would leave a gap or rewrite the snapshot.</exception>
    /// <exception cref="StorageSyncException">A write or sync failed; fatal, nothing is reported persisted.</exception>
    public void Persist(HardState? hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ThrowIfUnusable();
        if (hardState is null && entries.Count == 0 && snapshot is null)
        {
            return;
        }

        CheckAppend(entries, snapshot);
        _writer.Reset();
        _dataOffsets.Clear();
        WalCodec.WriteBatch(_writer, hardState, snapshot?.Metadata, entries, _dataOffsets);
        Durably(() =>
        {
            if (snapshot is not null)
            {
                // The snapshot file must be durable before the record that makes it current.
                _snapshots.Write(snapshot);
            }
        });
        var (segment, position) = WriteAndSync();
        ApplyBatch(hardState, entries, snapshot, segment, position);
        if (snapshot is not null)
        {
            AfterSnapshot();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="RaftInvariantException">The index is not after the current snapshot and within the log.</exception>
    /// <exception cref="StorageSyncException">A write or sync failed; fatal.</exception>
    public void SaveSnapshot(LogIndex index, Membership membership, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(membership);
        ThrowIfUnusable();
        if (!_table.CanSaveSnapshot(index))
        {
            throw new RaftInvariantException($"snapshot index {index} must be after {_table.SnapshotIndex} and at most {LastIndex}");
        }

        var snapshot = new Snapshot(new SnapshotMetadata(index, _table[index].Term, membership), data);
        Durably(() => _snapshots.Write(snapshot)); // nothing to write when it was staged

        _writer.Reset();
        WalCodec.WriteSnapshotSaved(_writer, index, snapshot.Metadata.Term);
        WriteAndSync();
        _table.TrySaveSnapshot(index, snapshot.Metadata.Term);
        _cache.Compact(index);
        Snapshot = snapshot;
        AfterSnapshot();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Writes the snapshot file (temporary name, sync, rename, directory sync) and nothing else: the file system is the
    /// only state it touches, so it is safe beside the event loop's calls. The WAL record that makes the snapshot
    /// current is <see cref="SaveSnapshot"/>'s. A failure is fatal, as every write failure is.
    /// </remarks>
    /// <exception cref="StorageSyncException">Writing or syncing the file failed.</exception>
    public void StageSnapshot(SnapshotMetadata metadata, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ThrowIfUnusable();
        Durably(() => _snapshots.Write(new Snapshot(metadata, data)));
    }

    private void CheckAppend(IReadOnlyList<Entry> entries, Snapshot? snapshot)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var first = entries[0].Index;
        var allowed = snapshot is null
            ? _table.CanAppend(first)
            : first > snapshot.Metadata.Index && first <= snapshot.Metadata.Index.Next;
        for (var i = 1; allowed && i < entries.Count; i++)
        {
            allowed = entries[i].Index == first.Plus((ulong)i);
        }

        if (!allowed)
        {
            throw new RaftInvariantException($"append of {entries.Count} entries at {first} would leave a gap or rewrite the snapshot (log is [{FirstIndex}, {LastIndex}])");
        }
    }

    private void ApplyBatch(HardState? hardState, IReadOnlyList<Entry> entries, Snapshot? snapshot, Segment segment, long position)
    {
        if (snapshot is not null)
        {
            _table.Install(snapshot.Metadata.Index, snapshot.Metadata.Term);
            _cache.Reset(snapshot.Metadata.Index.Next);
            Snapshot = snapshot;
        }

        if (entries.Count > 0)
        {
            _newSlots.Clear();
            var payloadStart = position + StorageFormat.RecordHeaderBytes;
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                _newSlots.Add(new EntrySlot(entry.Term, entry.Kind, segment.Seq, payloadStart + _dataOffsets[i], entry.Data.Length, StorageFormat.RecordHeaderBytes + _dataOffsets[i]));
            }

            _table.TryAppend(entries[0].Index, _newSlots);
            _cache.Append(entries[0].Index, entries);
            segment.MaxIndex = Math.Max(segment.MaxIndex, entries[^1].Index.Value);
        }

        if (hardState is { } hs)
        {
            _table.HardState = hs;
        }
    }

    /// <summary>
    /// Writes the encoded record(s) at the end of the active segment (first moving to the spare when they do
    /// not fit) and syncs once. Returns where the last record landed.
    /// </summary>
    private (Segment Segment, long Position) WriteAndSync()
    {
        var segment = _active;
        if (segment.HasBody && segment.WritePosition + _writer.Length > _options.SegmentSizeBytes)
        {
            segment = Rollover();
        }

        var position = segment.WritePosition;
        try
        {
            segment.File.Write(position, _writer.Written);
            segment.File.Sync();
        }
        catch (Exception ex) when (ex is not StorageException)
        {
            throw Fatal(ex);
        }

        SyncCount++;
        segment.WritePosition = position + _writer.Length;
        segment.HasBody = true;
        return (segment, position);
    }

    /// <summary>
    /// Makes the spare the active segment: its start record (the state before the pending batch) is written
    /// first and reaches the disk with the batch's own sync. A new spare is then prepared in the background.
    /// </summary>
    private Segment Rollover()
    {
        var next = TakeSpare();
        var start = new RecordWriter();
        WalCodec.WriteStart(start, _table.HardState, _table.RecordedIndex, _table.RecordedTerm, _table.LastIndex);
        try
        {
            next.File.Write(next.WritePosition, start.Written);
        }
        catch (Exception ex) when (ex is not StorageException)
        {
            throw Fatal(ex);
        }

        next.WritePosition += start.Length;
        _segments.Add(next);
        _active = next;
        var seq = next.Seq + 1;
        _spareTask = Task.Run(() => CreateSegmentFile(seq));
        return next;
    }

    private Segment TakeSpare()
    {
        if (_spare is null)
        {
            try
            {
                _spare = _spareTask!.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is not StorageException)
            {
                _failed = true;
                throw new StorageSyncException($"preparing the next WAL segment in {_walDirectory} failed; the node must stop", ex);
            }
            finally
            {
                _spareTask = null;
            }
        }

        var spare = _spare;
        _spare = null;
        return spare;
    }

    /// <summary>
    /// Creates a segment under a temporary name, writes its header and zeros up to the segment size, syncs it,
    /// renames it into place and syncs the directory. Appends then overwrite blocks that already exist, so their
    /// fdatasync flushes data only; and a file under a final name always has a complete header.
    /// </summary>
    private Segment CreateSegmentFile(long seq)
    {
        var path = Path.Combine(_walDirectory, StorageFormat.SegmentFileName(seq));
        var temp = path + StorageFormat.TempSuffix;
        var file = _fileSystem.OpenFile(temp, createNew: true);
        try
        {
            var chunk = new byte[(int)Math.Min(_options.SegmentSizeBytes, 1 << 20)];
            StorageFormat.WriteSegmentHeader(chunk, seq);
            for (long at = 0; at < _options.SegmentSizeBytes; at += chunk.Length)
            {
                file.Write(at, chunk.AsSpan(0, (int)Math.Min(chunk.Length, _options.SegmentSizeBytes - at)));
                chunk.AsSpan(0, StorageFormat.SegmentHeaderBytes).Clear();
            }

            file.Sync();
            _fileSystem.RenameFile(temp, path);
            _fileSystem.SyncDirectory(_walDirectory);
            return new Segment(seq, path, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes snapshot files beyond the retention count, then the segments wholly covered by the oldest snapshot
    /// kept (not just the newest): recovery can only fall back to an older snapshot if the log after it is complete.
    /// Segments from before the last installed snapshot are useless for that and go as soon as it covers them.
    /// </summary>
    private void AfterSnapshot()
    {
        Durably(() =>
        {
            var oldestKept = _snapshots.Prune(_options.RetainedSnapshotCount, _table.SnapshotIndex);
            var keepAfter = Math.Min(Math.Max(oldestKept.Value, _table.InstalledIndex.Value), _table.SnapshotIndex.Value);
            var deleted = false;
            while (_segments.Count > 1 && _segments[0].MaxIndex <= keepAfter)
            {
                _segments[0].Dispose();
                _fileSystem.DeleteFile(_segments[0].Path);
                _segments.RemoveAt(0);
                deleted = true;
            }

            if (deleted)
            {
                _fileSystem.SyncDirectory(_walDirectory);
            }
        });
    }

    /// <summary>
    /// Runs a step of the write path; any failure in it is fatal. After a failed fsync the kernel may have
    /// dropped the dirty pages and a retried fsync can succeed without them ("fsyncgate"), and after a failed
    /// write the file no longer matches memory, so the instance refuses all further calls.
    /// </summary>
    private void Durably(Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex) when (ex is not StorageException)
        {
            throw Fatal(ex);
        }
    }

    private StorageSyncException Fatal(Exception cause)
    {
        _failed = true;
        return new StorageSyncException($"writing or syncing storage in {Directory} failed; nothing from this call is durable and the node must stop", cause);
    }
}
