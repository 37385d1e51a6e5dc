using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Cairn.State.Codec;
using Cairn.State.Sessions;

namespace Cairn.State;

/// <summary>
/// Snapshots: <c>[format=1][appliedIndex][revision][committedTimeMs][leaderEpoch][epochLeaderBaseMs]
/// [epochCommittedBaseMs][sessions][moduleCount]{[moduleId][length-prefixed module state]}</c>, everything in sorted
/// order, so the same state always gives the same bytes.
/// </summary>
public sealed partial class StateMachine
{
    private const byte SnapshotFormat = 1;

    /// <summary>The whole state as deterministic bytes.</summary>
    public byte[] Snapshot() => CaptureSnapshot()();

    /// <summary>
    /// Freezes the whole state as of the last applied entry, cheaply (references are copied, nothing is serialized),
    /// and returns the function that serializes it into the bytes <see cref="Snapshot"/> would give now. That function
    /// may run later, on any thread, while <see cref="Apply"/> goes on: the host serializes a large state off its loop.
    /// </summary>
    public Func<byte[]> CaptureSnapshot()
    {
        var header = (_appliedIndex, _revision, _committedTimeMs, _leaderEpoch, _epochLeaderBaseMs, _epochCommittedBaseMs);
        var sessions = _sessions.Capture();
        var modules = Array.ConvertAll(_modules, module => (module.Id, Write: module.CaptureSnapshot()));
        return () =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new StateWriter(buffer);
            writer.WriteByte(SnapshotFormat);
            writer.WriteVarUInt64(header._appliedIndex);
            writer.WriteVarUInt64(header._revision);
            writer.WriteVarUInt64(header._committedTimeMs);
            writer.WriteVarUInt64(header._leaderEpoch);
            writer.WriteVarUInt64(header._epochLeaderBaseMs);
            writer.WriteVarUInt64(header._epochCommittedBaseMs);
            sessions(writer);
            writer.WriteVarUInt64((ulong)modules.Length);
            foreach (var (id, write) in modules)
            {
                var moduleBuffer = new ArrayBufferWriter<byte>();
                write(new StateWriter(moduleBuffer));
                writer.WriteByte((byte)id);
                writer.WriteBytes(moduleBuffer.WrittenSpan);
            }
            return buffer.WrittenSpan.ToArray();
        };
    }

    /// <summary>
    /// Replaces the whole state with a snapshot, all or nothing: on malformed or inconsistent bytes the machine keeps its
    /// state and <paramref name="error"/> says why. A module absent from the snapshot (older than the module) starts empty.
    /// </summary>
    public bool TryRestore(ReadOnlySpan<byte> snapshot, [NotNullWhen(false)] out string? error)
    {
        error = null;
        var reader = new StateReader(snapshot);
        if (!reader.TryReadByte(out var format) || format != SnapshotFormat)
        {
            error = $"snapshot format {format} is not supported; this build reads {SnapshotFormat}";
            return false;
        }
        if (!reader.TryReadVarUInt64(out var applied) || !reader.TryReadVarUInt64(out var revision) || revision == 0
            || !reader.TryReadVarUInt64(out var time) || !reader.TryReadVarUInt64(out var epoch)
            || !reader.TryReadVarUInt64(out var leaderBase) || !reader.TryReadVarUInt64(out var committedBase))
        {
            error = "snapshot header is truncated or malformed";
            return false;
        }
        var sessions = new SessionTable();
        if (!sessions.TryRead(ref reader))
        {
            error = "snapshot sessions are truncated or malformed";
            return false;
        }
        var (kv, cluster, modules) = CreateModules();
        if (!TryRestoreModules(ref reader, modules, out error))
        {
            return false;
        }
        (_appliedIndex, _revision, _committedTimeMs, _leaderEpoch, _epochLeaderBaseMs, _epochCommittedBaseMs) =
            (applied, revision, time, epoch, leaderBase, committedBase);
        (_sessions, _kv, _cluster, _modules) = (sessions, kv, cluster, modules);
        return true;
    }

    private static bool TryRestoreModules(ref StateReader reader, IStateModule[] modules, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (!reader.TryReadCount(modules.Length, out var count))
        {
            error = "snapshot module count is malformed or above the modules this build has";
            return false;
        }
        var seen = new HashSet<byte>();
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadByte(out var id) || !reader.TryReadBytes(int.MaxValue, out var blob))
            {
                error = "snapshot module entry is truncated";
                return false;
            }
            var module = Array.Find(modules, m => (byte)m.Id == id);
            var moduleReader = new StateReader(blob);
            if (module is null || !seen.Add(id) || !module.TryRestore(ref moduleReader) || moduleReader.RemainingBytes != 0)
            {
                error = $"snapshot state of module {(ModuleId)id} is unknown, repeated or malformed";
                return false;
            }
        }
        if (reader.RemainingBytes != 0)
        {
            error = $"{reader.RemainingBytes} trailing bytes after the snapshot";
            return false;
        }
        return true;
    }
}
