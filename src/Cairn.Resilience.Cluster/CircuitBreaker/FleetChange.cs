namespace Cairn.Resilience.Cluster.CircuitBreaker;

/// <summary>What an evaluation of the <see cref="FleetView"/> decided.</summary>
/// <param name="Transition">+1 when the shared circuit opened, -1 when it closed, 0 when it stayed as it was.</param>
/// <param name="Reporters">Instances reporting the dependency down, after the evaluation.</param>
/// <param name="Threshold">Reporters needed to open, after the evaluation.</param>
internal readonly record struct FleetChange(int Transition, int Reporters, int Threshold)
{
    public bool Opened => Transition > 0;

    public bool Closed => Transition < 0;
}
