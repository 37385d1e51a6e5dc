namespace Cairn.Simulation;

/// <summary>What one simulated run looks like. Every choice inside the run comes from <see cref="Seed"/>.</summary>
public sealed record SimulationOptions
{
    /// <summary>The seed that determines the whole run.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Founding voters: 1, 3, 5 or 7.</summary>
    public int Nodes { get; init; } = 5;

    /// <summary>Ticks of the safety phase, during which faults are injected.</summary>
    public int Steps { get; init; } = 2_000;

    /// <summary>Ticks allowed after every fault is healed for a leader to emerge and every pending operation to complete.</summary>
    public int LivenessTicks { get; init; } = 1_000;

    /// <summary>Concurrent clients issuing operations.</summary>
    public int Clients { get; init; } = 5;

    /// <summary>Keep a trace of events (printed for a single seed and for failures).</summary>
    public bool Trace { get; init; }

    /// <summary>Election timeout in ticks, as the nodes are configured.</summary>
    public int ElectionTimeoutTicks { get; init; } = 10;

    /// <summary>Heartbeat interval in ticks.</summary>
    public int HeartbeatIntervalTicks { get; init; } = 2;

    /// <summary>Applied entries between two snapshots on each node (low, so snapshots and InstallSnapshot happen often).</summary>
    public int SnapshotEveryEntries { get; init; } = 64;

    /// <summary>Ticks a client waits for an answer before retrying elsewhere.</summary>
    public int ClientTimeoutTicks { get; init; } = 40;

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (Nodes is not (1 or 3 or 5 or 7))
        {
            throw new ArgumentException("nodes must be 1, 3, 5 or 7", nameof(Nodes));
        }

        if (Steps < 1 || Steps > 10_000_000)
        {
            throw new ArgumentException("steps must be between 1 and 10,000,000", nameof(Steps));
        }

        if (Clients < 1 || Clients > 64)
        {
            throw new ArgumentException("clients must be between 1 and 64", nameof(Clients));
        }
    }
}
