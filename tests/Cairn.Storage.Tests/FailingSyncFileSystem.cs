namespace Cairn.Storage.Tests;

/// <summary>The real file system, except that syncs fail while <see cref="FailSyncs"/> is set, as on a disk error.</summary>
internal sealed class FailingSyncFileSystem : IStorageFileSystem
{
    public bool FailSyncs { get; set; }

    public void CreateDirectory(string path) => PhysicalFileSystem.Instance.CreateDirectory(path);

    public IReadOnlyList<string> ListFiles(string directory) => PhysicalFileSystem.Instance.ListFiles(directory);

    public bool FileExists(string path) => PhysicalFileSystem.Instance.FileExists(path);

    public IStorageFile OpenFile(string path, bool createNew) => new File(this, PhysicalFileSystem.Instance.OpenFile(path, createNew));

    public void DeleteFile(string path) => PhysicalFileSystem.Instance.DeleteFile(path);

    public void RenameFile(string source, string destination) => PhysicalFileSystem.Instance.RenameFile(source, destination);

    public void SyncDirectory(string path) => PhysicalFileSystem.Instance.SyncDirectory(path);

    public IDisposable LockFile(string path) => PhysicalFileSystem.Instance.LockFile(path);

    private sealed class File(FailingSyncFileSystem owner, IStorageFile inner) : IStorageFile
    {
        public long Length => inner.Length;

        public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

        public void Write(long offset, ReadOnlySpan<byte> data) => inner.Write(offset, data);

        public void Sync()
        {
            if (owner.FailSyncs)
            {
                throw new IOException("injected: fdatasync returned EIO");
            }

            inner.Sync();
        }

        public void Dispose() => inner.Dispose();
    }
}
