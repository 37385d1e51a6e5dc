namespace Cairn.Storage;

/// <summary>Thrown on open when a file in the data directory carries a format version this build does not read.</summary>
public sealed class StorageVersionException : StorageException
{
    /// <summary>Creates the exception naming the file and both versions.</summary>
    public StorageVersionException(string filePath, uint foundVersion)
        : base($"{filePath} was written in storage format version {foundVersion}; this build reads only version {StorageFormat.Version}. Run a Cairn build that matches the data, or wipe the data directory and let the node rejoin (docs/storage.md).")
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public StorageVersionException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StorageVersionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public StorageVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
