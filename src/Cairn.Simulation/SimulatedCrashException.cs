namespace Cairn.Simulation;

/// <summary>
/// Thrown from inside a node's ready handling (from its send function) to kill the node at that exact point, as a
/// process that dies between two system calls. The simulation catches it and crashes the node.
/// </summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated crash")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
