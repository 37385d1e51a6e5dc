using System.Text;
using Cairn.State.Codec;

namespace Cairn.State.Cluster;

/// <summary>
/// The member registry: every member's name, peer address and client address, so a node that restarts from a
/// snapshot, or a member added after the cluster was founded, still knows where everyone is, and any node can point a
/// client at the leader. Raft's configuration (voters and learners) stays the authority on who is a member; this holds
/// only their addresses. Not thread-safe: read it on the apply thread.
/// </summary>
public sealed class ClusterModule : IStateModule
{
    /// <summary>The most members the registry holds.</summary>
    public const int MaxMembers = 64;

    private readonly SortedDictionary<ulong, MemberRecord> _members = [];

    internal ClusterModule()
    {
    }

    /// <inheritdoc/>
    public ModuleId Id => ModuleId.Cluster;

    /// <summary>The recorded members in id order (a copy).</summary>
    public IReadOnlyList<MemberRecord> Members => [.. _members.Values];

    /// <inheritdoc/>
    public bool HasOperation(byte operation) => Enum.IsDefined((ClusterOperation)operation);

    /// <inheritdoc/>
    public bool TryReadCommand(byte operation, ref StateReader reader, out StateCommand? command)
    {
        command = null;
        switch ((ClusterOperation)operation)
        {
            case ClusterOperation.Publish:
                if (TryReadRecord(ref reader, out var record))
                {
                    command = new MemberPublishCommand(record.Id, record.Name, record.PeerUrl, record.ClientUrl);
                }
                break;
            case ClusterOperation.Forget:
                if (reader.TryReadVarUInt64(out var id))
                {
                    command = new MemberForgetCommand(id);
                }
                break;
            default:
                break;
        }
        return command is not null;
    }

    /// <inheritdoc/>
    public StateResponse Apply(StateCommand command, ApplyContext context) => command switch
    {
        MemberPublishCommand publish => Publish(publish),
        MemberForgetCommand forget => Forget(forget.Id),
        _ => new ErrorResponse(StateStatus.UnknownOperation, $"operation {command.Operation} is not a cluster operation"),
    };

    private EmptyResponse Forget(ulong id)
    {
        _members.Remove(id);
        return EmptyResponse.Instance;
    }

    private StateResponse Publish(MemberPublishCommand publish)
    {
        if (publish.Id == 0)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, "id: must not be 0");
        }
        if (publish.Name.Length == 0 || Encoding.UTF8.GetByteCount(publish.Name) > MemberPublishCommand.MaxNameBytes)
        {
            return new ErrorResponse(StateStatus.InvalidArgument, $"name: must be 1 to {MemberPublishCommand.MaxNameBytes} bytes");
        }
        if (Encoding.UTF8.GetByteCount(publish.PeerUrl) > MemberPublishCommand.MaxUrlBytes || Encoding.UTF8.GetByteCount(publish.ClientUrl) > MemberPublishCommand.MaxUrlBytes)
        {
            return new ErrorResponse(StateStatus.TooLarge, $"url: at most {MemberPublishCommand.MaxUrlBytes} bytes");
        }
        if (_members.Values.Any(m => m.Name == publish.Name && m.Id != publish.Id))
        {
            return new ErrorResponse(StateStatus.InvalidArgument, $"name: '{publish.Name}' belongs to another member");
        }
        var known = _members.GetValueOrDefault(publish.Id);
        if (known is null && _members.Count >= MaxMembers)
        {
            return new ErrorResponse(StateStatus.TooLarge, $"members: the registry holds at most {MaxMembers}");
        }
        _members[publish.Id] = new MemberRecord(
            publish.Id,
            publish.Name,
            publish.PeerUrl.Length > 0 ? publish.PeerUrl : known?.PeerUrl ?? "",
            publish.ClientUrl.Length > 0 ? publish.ClientUrl : known?.ClientUrl ?? "");
        return EmptyResponse.Instance;
    }

    /// <inheritdoc/>
    public ulong OnTimeAdvanced(ApplyContext context, out bool more)
    {
        more = false;
        return 0;
    }

    /// <inheritdoc/>
    public void OnLeaderPromoted(ulong graceMs)
    {
    }

    /// <inheritdoc/>
    public Action<StateWriter> CaptureSnapshot()
    {
        // Records are immutable, so copying the references freezes the registry.
        var members = _members.Values.ToArray();
        return writer =>
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteVarUInt64((ulong)members.Length);
            foreach (var member in members)
            {
                writer.WriteVarUInt64(member.Id);
                writer.WriteString(member.Name);
                writer.WriteString(member.PeerUrl);
                writer.WriteString(member.ClientUrl);
            }
        };
    }

    /// <inheritdoc/>
    public bool TryRestore(ref StateReader reader)
    {
        if (!reader.TryReadCount(MaxMembers, out var count))
        {
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            if (!TryReadRecord(ref reader, out var record) || record.Id == 0 || !_members.TryAdd(record.Id, record))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryReadRecord(ref StateReader reader, out MemberRecord record)
    {
        record = null!;
        // Decoding allows more than the limits so that apply can refuse an oversized field by name.
        const int maxFieldBytes = 4096;
        if (!reader.TryReadVarUInt64(out var id) || !reader.TryReadString(maxFieldBytes, out var name)
            || !reader.TryReadString(maxFieldBytes, out var peer) || !reader.TryReadString(maxFieldBytes, out var client))
        {
            return false;
        }
        record = new MemberRecord(id, name, peer, client);
        return true;
    }
}
