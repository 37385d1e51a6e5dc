using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// The snapshot directory: one file per snapshot, named by index and term, written to a temporary name, synced,
/// renamed and the directory synced, so a file under its final name is always complete. Which snapshot is
/// current is decided by the WAL, not by the files present (see <see cref="WalStorage"/>).
/// </summary>
internal sealed class SnapshotStore(IStorageFileSystem fileSystem, string directory)
{
    private int _receiveCount;

    public string PathFor(LogIndex index, Term term) => Path.Combine(directory, SnapshotFile.FileName(index, term));

    /// <summary>Writes the snapshot durably unless a complete file for it is already there (a received one).</summary>
    public void Write(Snapshot snapshot)
    {
        var path = PathFor(snapshot.Metadata.Index, snapshot.Metadata.Term);
        if (fileSystem.FileExists(path))
        {
            return;
        }

        var temp = path + StorageFormat.TempSuffix;
        using (var file = fileSystem.OpenFile(temp, createNew: true))
        {
            var header = SnapshotFile.EncodeHeader(snapshot.Metadata, snapshot.Data.Length);
            file.Write(0, header);
            file.Write(header.Length, snapshot.Data.Span);
            file.Write(header.Length + snapshot.Data.Length, SnapshotFile.EncodeTrailer(snapshot.Data.Span));
            file.Sync();
        }

        Publish(temp, path);
    }

    /// <summary>Loads and verifies the snapshot the WAL refers to.</summary>
    /// <exception cref="StorageCorruptionException">The file is missing, damaged, or holds another snapshot.</exception>
    public Snapshot Load(LogIndex index, Term term)
    {
        var path = PathFor(index, term);
        if (!fileSystem.FileExists(path))
        {
            throw new StorageCorruptionException(path, 0, $"the WAL refers to snapshot {index}@{term} but its file is missing");
        }

        var snapshot = SnapshotFile.Decode(path, ReadAll(path));
        if (snapshot.Metadata.Index != index || snapshot.Metadata.Term != term)
        {
            throw new StorageCorruptionException(path, 16, $"file holds snapshot {snapshot.Metadata.Index}@{snapshot.Metadata.Term}, not {index}@{term}");
        }

        return snapshot;
    }

    /// <summary>Deletes leftover temporary files and snapshots newer than the current one (written, never recorded in the WAL).</summary>
    public void RemoveUnreferenced(LogIndex current, List<string> warnings)
    {
        var changed = false;
        foreach (var path in fileSystem.ListFiles(directory))
        {
            var name = Path.GetFileName(path);
            var leftover = name.EndsWith(StorageFormat.TempSuffix, StringComparison.Ordinal);
            if (!leftover && SnapshotFile.TryParseFileName(name, out var index, out _) && index > current)
            {
                warnings.Add($"{path}: snapshot {index} was written but never recorded in the WAL before the node stopped; deleted");
                leftover = true;
            }

            if (leftover)
            {
                fileSystem.DeleteFile(path);
                changed = true;
            }
        }

        if (changed)
        {
            fileSystem.SyncDirectory(directory);
        }
    }

    /// <summary>The snapshot files present, by index and term (leftovers and damaged files excluded).</summary>
    public List<(LogIndex Index, Term Term)> List()
    {
        var found = new List<(LogIndex Index, Term Term)>();
        foreach (var path in fileSystem.ListFiles(directory))
        {
            if (SnapshotFile.TryParseFileName(Path.GetFileName(path), out var index, out var term))
            {
                found.Add((index, term));
            }
        }

        return found;
    }

    /// <summary>
    /// Keeps the newest <paramref name="keep"/> snapshot files up to the current one, never deleting the current one,
    /// and returns the oldest index kept, zero while fewer than <paramref name="keep"/> exist (the empty initial state
    /// then still counts as one): the log after it must be kept so recovery can fall back to it. Files after the
    /// current one (staged, not yet recorded) are neither counted nor deleted.
    /// </summary>
    public LogIndex Prune(int keep, LogIndex current)
    {
        var files = fileSystem.ListFiles(directory)
            .Select(path => (Path: path, Ok: SnapshotFile.TryParseFileName(Path.GetFileName(path), out var index, out _), Index: index))
            .Where(f => f.Ok && f.Index <= current)
            .OrderByDescending(f => f.Index.Value)
            .ToList();
        var doomed = files.Skip(keep).Where(f => f.Index != current).ToList();
        foreach (var file in doomed)
        {
            fileSystem.DeleteFile(file.Path);
        }

        if (doomed.Count > 0)
        {
            fileSystem.SyncDirectory(directory);
        }

        var kept = files.Count - doomed.Count;
        return kept < keep ? LogIndex.Zero : files.Where(f => !doomed.Contains(f)).Min(f => f.Index);
    }

    public SnapshotReader OpenReader(SnapshotMetadata metadata) =>
        new(metadata, fileSystem.OpenFile(PathFor(metadata.Index, metadata.Term), createNew: false));

    public SnapshotReceiver BeginReceive(Action onFatal)
    {
        _receiveCount++;
        var temp = Path.Combine(directory, $"receive-{_receiveCount}{StorageFormat.TempSuffix}");
        if (fileSystem.FileExists(temp))
        {
            fileSystem.DeleteFile(temp);
        }

        return new SnapshotReceiver(this, fileSystem, temp, onFatal);
    }

    /// <summary>Renames a synced temporary file to its final name and makes the rename durable.</summary>
    public void Publish(string temp, string path)
    {
        fileSystem.RenameFile(temp, path);
        fileSystem.SyncDirectory(directory);
    }

    public byte[] ReadAll(string path)
    {
        using var file = fileSystem.OpenFile(path, createNew: false);
        var bytes = new byte[file.Length];
        var read = file.Read(0, bytes);
        return read == bytes.Length ? bytes : bytes[..read];
    }
}
