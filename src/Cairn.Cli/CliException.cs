namespace Cairn.Cli;

/// <summary>A failure to report as one line on stderr with a non-zero exit code.</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
