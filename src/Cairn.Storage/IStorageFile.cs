namespace Cairn.Storage;

/// <summary>
/// One open file, addressed by absolute offsets (no shared position). Owned by the <see cref="WalStorage"/> that
/// opened it; implementations need not be thread-safe beyond distinct files being used from distinct threads.
/// </summary>
public interface IStorageFile : IDisposable
{
    /// <summary>The current length of the file in bytes.</summary>
    long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; returns how many were read (fewer only at the end of the file).</summary>
    int Read(long offset, Span<byte> buffer);

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>, extending the file if needed. Not durable until <see cref="Sync"/>.</summary>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Makes every write so far durable (fdatasync on Linux). Any exception means the data may be lost.</summary>
    void Sync();
}
