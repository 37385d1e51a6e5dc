namespace Cairn.Storage;

/// <summary>
/// The file-system port of <see cref="WalStorage"/>: the real disk in production, and a decorator that injects
/// faults in tests. Paths are absolute. Only what <see cref="IStorageFile.Sync"/> and
/// <see cref="SyncDirectory"/> made durable is assumed to survive a crash.
/// </summary>
public interface IStorageFileSystem
{
    /// <summary>Creates <paramref name="path"/> and its parents when missing.</summary>
    void CreateDirectory(string path);

    /// <summary>The full paths of the files directly in <paramref name="directory"/>, in ordinal order.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>True when a file exists at <paramref name="path"/>.</summary>
    bool FileExists(string path);

    /// <summary>Opens a file for reading and writing; with <paramref name="createNew"/> the file must not exist yet.</summary>
    IStorageFile OpenFile(string path, bool createNew);

    /// <summary>Deletes a file; not durable until the directory is synced.</summary>
    void DeleteFile(string path);

    /// <summary>Atomically renames <paramref name="source"/> over <paramref name="destination"/>; not durable until the directory is synced.</summary>
    void RenameFile(string source, string destination);

    /// <summary>Makes the directory's entries (creations, renames, deletions) durable.</summary>
    void SyncDirectory(string path);

    /// <summary>
    /// Takes an exclusive lock held until the result is disposed (or the process dies).
    /// </summary>
    /// <exception cref="StorageLockedException">Another holder has the lock.</exception>
    IDisposable LockFile(string path);
}
