using Cairn.Node;
using Cairn.Raft;
using Cairn.Simulation.Kv;

namespace Cairn.Simulation;

/// <summary>The KV state machine as the runtime drives it, showing every applied entry and restore to the simulation.</summary>
internal sealed class SimulatedStateMachine(Action<LogIndex, Entry> applying, Action<LogIndex> restored) : IStateMachine
{
    public KvStateMachine Kv { get; private set; } = new();

    public object? Apply(Entry entry)
    {
        applying(Kv.AppliedIndex, entry);
        return Kv.Apply(entry)?.Result;
    }

    public byte[] Snapshot() => Kv.Serialize();

    public void Restore(ReadOnlyMemory<byte> snapshot)
    {
        Kv = KvStateMachine.Restore(snapshot.Span);
        restored(Kv.AppliedIndex);
    }
}
