namespace Cairn.Transport;

/// <summary>
/// Thrown by the decoders when input is malformed (as opposed to merely incomplete, which they report by returning
/// false): an unknown version or message type, a length or count over <see cref="TransportLimits"/>, an overlong
/// varint, an invalid membership, trailing bytes. The connection that carried such input cannot be trusted further
/// and is closed.
/// </summary>
public sealed class MessageFormatException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public MessageFormatException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public MessageFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the exception that revealed it.</summary>
    public MessageFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
