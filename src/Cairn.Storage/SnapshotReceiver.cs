using Cairn.Raft;

namespace Cairn.Storage;

/// <summary>
/// Receives a snapshot streamed by a leader's <see cref="SnapshotReader"/> into a temporary file. Chunks must
/// arrive in order (a gap or a repeat is refused, so the leader restarts the stream). <see cref="Complete"/>
/// syncs, verifies every checksum, and publishes the file under its final name; the caller then passes the
/// returned snapshot to <see cref="WalStorage.Persist"/>, which records it without writing it again. Disposing
/// before completion deletes the partial file. Not thread-safe.
/// </summary>
public sealed class SnapshotReceiver : IDisposable
{
    private readonly SnapshotStore _store;
    private readonly IStorageFileSystem _fileSystem;
    private readonly string _tempPath;
    private readonly Action _onFatal;
    private IStorageFile? _file;
    private long _receivedBytes;

    internal SnapshotReceiver(SnapshotStore store, IStorageFileSystem fileSystem, string tempPath, Action onFatal)
    {
        _store = store;
        _fileSystem = fileSystem;
        _tempPath = tempPath;
        _onFatal = onFatal;
        _file = fileSystem.OpenFile(tempPath, createNew: true);
    }

    /// <summary>The number of bytes received so far: the offset the next chunk must start at.</summary>
    public long ReceivedBytes => _receivedBytes;

    /// <summary>Appends the chunk that starts at <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="offset"/> is not <see cref="ReceivedBytes"/>.</exception>
    public void WriteChunk(long offset, ReadOnlySpan<byte> chunk)
    {
        var file = _file ?? throw new ObjectDisposedException(nameof(SnapshotReceiver));
        if (offset != _receivedBytes)
        {
            throw new ArgumentException($"snapshot chunk at offset {offset} does not follow the {_receivedBytes} bytes received", nameof(offset));
        }

        file.Write(offset, chunk);
        _receivedBytes += chunk.Length;
    }

    /// <summary>Makes the received snapshot durable under its final name and returns it.</summary>
    /// <exception cref="StorageCorruptionException">The received bytes are not a complete, valid snapshot.</exception>
    /// <exception cref="StorageSyncException">The file could not be synced; fatal for the node.</exception>
    public Snapshot Complete()
    {
        var file = _file ?? throw new ObjectDisposedException(nameof(SnapshotReceiver));
        try
        {
            file.Sync();
        }
        catch (Exception ex) when (ex is not StorageException)
        {
            _onFatal();
            throw new StorageSyncException($"sync of received snapshot {_tempPath} failed; the node must stop", ex);
        }

        file.Dispose();
        _file = null;
        var snapshot = SnapshotFile.Decode(_tempPath, _store.ReadAll(_tempPath));
        _store.Publish(_tempPath, _store.PathFor(snapshot.Metadata.Index, snapshot.Metadata.Term));
        return snapshot;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_file is not null)
        {
            _file.Dispose();
            _file = null;
        }

        if (_fileSystem.FileExists(_tempPath))
        {
            _fileSystem.DeleteFile(_tempPath);
        }
    }
}
