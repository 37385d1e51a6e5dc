namespace Cairn.Storage;

/// <summary>
/// Thrown on open when a file holds damage that is not a torn final write: a bad checksum followed by valid
/// records, a missing segment, a gap in indexes, a missing or damaged snapshot. Nothing is skipped silently; the
/// operator wipes the node's data directory and lets it rejoin (see docs/storage.md).
/// </summary>
public sealed class StorageCorruptionException : StorageException
{
    /// <summary>Creates the exception naming the damaged file and the byte offset where the damage starts.</summary>
    public StorageCorruptionException(string filePath, long offset, string problem)
        : base($"storage is damaged: {filePath} at offset {offset}: {problem}. The node must not start on this data; wipe its data directory and let it rejoin the cluster (docs/storage.md).")
    {
        FilePath = filePath;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Creates the exception with no file named.</summary>
    public StorageCorruptionException()
    {
        FilePath = "";
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StorageCorruptionException(string message)
        : base(message)
    {
        FilePath = "";
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public StorageCorruptionException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = "";
    }

    /// <summary>The damaged file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong at <see cref="Offset"/>, without the file name and advice of the message.</summary>
    public string Problem { get; } = "";

    /// <summary>The byte offset in <see cref="FilePath"/> where the damage starts.</summary>
    public long Offset { get; }
}
