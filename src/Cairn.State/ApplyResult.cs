using Cairn.State.Kv;

namespace Cairn.State;

/// <summary>The outcome of applying one log entry.</summary>
/// <param name="Index">The log index applied.</param>
/// <param name="Response">The result to hand to the waiting client (for a retried session request, the original one).</param>
/// <param name="Events">The change events of this entry, in revision order; feed them to a <see cref="Watch.WatchHub"/>.</param>
/// <param name="Revision">The revision after the entry.</param>
/// <param name="CompactRevision">The compaction point after the entry.</param>
/// <param name="Duplicate">Whether this was a retry answered from the session table without applying anything.</param>
public sealed record ApplyResult(ulong Index, StateResponse Response, IReadOnlyList<WatchEvent> Events, ulong Revision, ulong CompactRevision, bool Duplicate)
{
    /// <summary>The response encoded with <see cref="StateCodec.EncodeResponse"/>.</summary>
    public byte[] EncodeResponse() => StateCodec.EncodeResponse(Response);
}
