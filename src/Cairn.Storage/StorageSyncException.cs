namespace Cairn.Storage;

/// <summary>
/// Thrown when a write or an fsync fails. Fatal: after a failed fsync the kernel may have dropped the dirty pages
/// and a second fsync can report success for data that never reached the disk (PostgreSQL's "fsyncgate"), so the
/// storage never retries; every later call on the same <see cref="WalStorage"/> throws again. The node must stop
/// and recover from disk on restart.
/// </summary>
public sealed class StorageSyncException : StorageException
{
    /// <summary>Creates the exception naming the file that could not be made durable.</summary>
    public StorageSyncException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StorageSyncException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public StorageSyncException()
    {
    }
}
