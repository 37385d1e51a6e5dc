namespace Cairn.Storage;

/// <summary>Thrown on open when another process (or another open instance) holds the data directory's lock file.</summary>
public sealed class StorageLockedException : StorageException
{
    /// <summary>Creates the exception naming the lock file.</summary>
    public StorageLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StorageLockedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public StorageLockedException()
    {
    }
}
