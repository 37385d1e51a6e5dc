namespace Cairn.Storage;

/// <summary>The real file system. Thread-safe: it holds no state of its own.</summary>
public sealed class PhysicalFileSystem : IStorageFileSystem
{
    /// <summary>The shared instance.</summary>
    public static readonly PhysicalFileSystem Instance = new();

    /// <inheritdoc/>
    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string directory) =>
        [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal)];

    /// <inheritdoc/>
    public bool FileExists(string path) => File.Exists(path);

    /// <inheritdoc/>
    public IStorageFile OpenFile(string path, bool createNew) => new PhysicalFile(path, createNew);

    /// <inheritdoc/>
    public void DeleteFile(string path) => File.Delete(path);

    /// <inheritdoc/>
    public void RenameFile(string source, string destination) => File.Move(source, destination, overwrite: true);

    /// <inheritdoc/>
    public void SyncDirectory(string path)
    {
        // Windows has no directory fsync; NTFS journals the metadata change itself.
        if (!OperatingSystem.IsWindows())
        {
            NativeMethods.SyncDirectory(path);
        }
    }

    /// <inheritdoc/>
    public IDisposable LockFile(string path)
    {
        try
        {
            // FileShare.None makes .NET take an exclusive, non-blocking flock on Unix (a share lock on Windows).
            // The kernel drops it when the process dies, so a crash never leaves a stale lock behind.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException ex)
        {
            throw new StorageLockedException($"the data directory is in use: {path} is locked by another process or another open storage instance. Stop the other node first.", ex);
        }
    }
}
