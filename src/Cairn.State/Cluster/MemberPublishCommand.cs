using Cairn.State.Codec;

namespace Cairn.State.Cluster;

/// <summary>
/// Records a member's name and addresses (insert or replace). A member publishes itself when it starts, so every node
/// can send clients to the leader's address; <c>member add</c> publishes the new member's peer address inside the
/// membership-change entry, so the address commits together with the change.
/// </summary>
/// <param name="Id">The member's Raft node id, not 0.</param>
/// <param name="Name">Its name, 1 to <see cref="MaxNameBytes"/> bytes of UTF-8.</param>
/// <param name="PeerUrl">Its peer address, at most <see cref="MaxUrlBytes"/> bytes; empty keeps the recorded one.</param>
/// <param name="ClientUrl">Its client address, at most <see cref="MaxUrlBytes"/> bytes; empty keeps the recorded one.</param>
public sealed record MemberPublishCommand(ulong Id, string Name, string PeerUrl, string ClientUrl) : StateCommand
{
    /// <summary>The longest member name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 64;

    /// <summary>The longest address, in UTF-8 bytes.</summary>
    public const int MaxUrlBytes = 512;

    /// <inheritdoc/>
    public override ModuleId Module => ModuleId.Cluster;

    /// <inheritdoc/>
    public override byte Operation => (byte)ClusterOperation.Publish;

    internal override void WriteBody(StateWriter writer)
    {
        writer.WriteVarUInt64(Id);
        writer.WriteString(Name);
        writer.WriteString(PeerUrl);
        writer.WriteString(ClientUrl);
    }
}
