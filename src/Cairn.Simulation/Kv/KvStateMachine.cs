using System.Text;
using Cairn.Raft;
using Cairn.Simulation.Linearizability;

namespace Cairn.Simulation.Kv;

/// <summary>
/// The small, deterministic key-value state machine the simulator replicates: put, compare-and-swap, delete and
/// get, with per-client sessions that remember the last result so a retried write is applied once.
/// </summary>
public sealed class KvStateMachine
{
    private readonly SortedDictionary<string, string> _data = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, Session> _sessions = [];

    /// <summary>The index of the last entry applied.</summary>
    public LogIndex AppliedIndex { get; private set; }

    /// <summary>Applies <paramref name="entry"/>; returns the command's result, or null for non-commands.</summary>
    public (KvCommand Command, KvResult Result)? Apply(Entry entry)
    {
        AppliedIndex = entry.Index;
        if (entry.Kind != EntryKind.Command || entry.Data.IsEmpty)
        {
            return null;
        }

        var command = KvCommand.Decode(entry.Data.Span);
        if (_sessions.TryGetValue(command.ClientId, out var session) && session.Sequence >= command.Sequence)
        {
            // A retry of an operation already applied: answer with the original result, change nothing.
            return (command, session.Result);
        }

        var result = Execute(command);
        _sessions[command.ClientId] = new Session(command.Sequence, result);
        return (command, result);
    }

    /// <summary>The value of <paramref name="key"/>, or null when absent.</summary>
    public string? Get(string key) => _data.GetValueOrDefault(key);

    /// <summary>Serializes the whole state, deterministically.</summary>
    public byte[] Serialize()
    {
        var text = new StringBuilder();
        text.Append(AppliedIndex.Value).Append('\n');
        foreach (var (key, value) in _data)
        {
            text.Append("k\u001f").Append(key).Append('\u001f').Append(value).Append('\n');
        }

        foreach (var (client, session) in _sessions)
        {
            text.Append("s\u001f").Append(client).Append('\u001f').Append(session.Sequence).Append('\u001f')
                .Append(session.Result.Ok ? '1' : '0').Append('\u001f').Append(session.Result.Value ?? "\u0000").Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Rebuilds a state machine from <see cref="Serialize"/>'s output (empty input: the initial state).</summary>
    public static KvStateMachine Restore(ReadOnlySpan<byte> snapshot)
    {
        var machine = new KvStateMachine();
        if (snapshot.IsEmpty)
        {
            return machine;
        }

        var lines = Encoding.UTF8.GetString(snapshot).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        machine.AppliedIndex = new LogIndex(ulong.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split('\u001f');
            if (parts[0] == "k")
            {
                machine._data[parts[1]] = parts[2];
            }
            else
            {
                machine._sessions[int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)] = new Session(
                    long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture),
                    new KvResult(parts[3] == "1", parts[4] == "\u0000" ? null : parts[4]));
            }
        }

        return machine;
    }

    private KvResult Execute(KvCommand command)
    {
        switch (command.Kind)
        {
            case KvOperationKind.Put:
                _data[command.Key] = command.Value!;
                return new KvResult(true, null);
            case KvOperationKind.Delete:
                _data.Remove(command.Key);
                return new KvResult(true, null);
            case KvOperationKind.CompareAndSwap when Get(command.Key) == command.Expected:
                _data[command.Key] = command.Value!;
                return new KvResult(true, null);
            default:
                return new KvResult(false, null);
        }
    }

    private readonly record struct Session(long Sequence, KvResult Result);
}
