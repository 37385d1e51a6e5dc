using System.Buffers.Binary;
using Cairn.Raft;

namespace Cairn.Node.Tests;

/// <summary>A tiny deterministic state machine: each command is an 8-byte number added to a total; the result is the new total.</summary>
internal sealed class CounterMachine : IStateMachine
{
    public long Total { get; private set; }

    public long AppliedCommands { get; private set; }

    public static byte[] Add(long amount)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, amount);
        return bytes;
    }

    public object? Apply(Entry entry)
    {
        if (entry.Kind != EntryKind.Command || entry.Data.Length != 8)
        {
            return null;
        }

        Total += BinaryPrimitives.ReadInt64LittleEndian(entry.Data.Span);
        AppliedCommands++;
        return Total;
    }

    public Func<byte[]> CaptureSnapshot()
    {
        var (total, applied) = (Total, AppliedCommands);
        return () =>
        {
            var bytes = new byte[16];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, total);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), applied);
            return bytes;
        };
    }

    public void Restore(ReadOnlyMemory<byte> snapshot)
    {
        Total = snapshot.IsEmpty ? 0 : BinaryPrimitives.ReadInt64LittleEndian(snapshot.Span);
        AppliedCommands = snapshot.IsEmpty ? 0 : BinaryPrimitives.ReadInt64LittleEndian(snapshot.Span[8..]);
    }
}
