namespace Cairn.Storage;

/// <summary>
/// The base of every refusal and fatal error from <see cref="WalStorage"/>. A node that receives one must stop:
/// its storage either cannot be trusted or can no longer make writes durable.
/// </summary>
public class StorageException : Exception
{
    /// <summary>Creates the exception with a message for the operator.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public StorageException()
    {
    }

    /// <summary>Creates the exception wrapping the error that caused it.</summary>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
