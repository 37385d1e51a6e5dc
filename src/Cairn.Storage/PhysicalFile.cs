using System.Runtime.InteropServices;

namespace Cairn.Storage;

/// <summary>
/// A real file: positional reads and writes through <see cref="RandomAccess"/> on an unbuffered stream, so
/// nothing sits in a user-space buffer when <see cref="Sync"/> runs.
/// </summary>
internal sealed class PhysicalFile : IStorageFile
{
    private readonly FileStream _stream;
    private readonly string _path;

    public PhysicalFile(string path, bool createNew)
    {
        _path = path;

        // FileShare.Read lets tests and tools read a live segment; .NET takes a shared flock for it, so the
        // exclusive directory lock file stays the only thing that decides which process owns the directory.
        _stream = new FileStream(path, createNew ? FileMode.CreateNew : FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
    }

    public long Length => RandomAccess.GetLength(_stream.SafeFileHandle);

    public int Read(long offset, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(_stream.SafeFileHandle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(_stream.SafeFileHandle, data, offset);

    public void Sync()
    {
        if (OperatingSystem.IsLinux())
        {
            // fdatasync skips the timestamp update a full fsync would also write; the size and block map, which
            // recovery needs, are still made durable. Segments are preallocated, so most syncs flush data only.
            if (NativeMethods.FDataSync(_stream.SafeFileHandle) != 0)
            {
                throw new IOException($"fdatasync of {_path} failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        else
        {
            _stream.Flush(flushToDisk: true);
        }
    }

    public void Dispose() => _stream.Dispose();
}
