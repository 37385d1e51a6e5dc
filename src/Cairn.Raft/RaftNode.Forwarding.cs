namespace Cairn.Raft;

// Proposals forwarded from followers over Raft's own transport, as etcd's raft library forwards MsgProp: the follower
// sends the command to the leader it knows, the leader appends it and answers with the index it used, and the follower
// then waits for that index and term like a proposal of its own. Nothing is retried here: a lost message leaves the
// host to time the request out, and a client's retry is safe because commands carry client sessions (thesis §6.3).
public sealed partial class RaftNode
{
    private readonly List<ForwardedProposal> _forwardedProposals = [];

    /// <summary>
    /// Proposes a command here when this node leads (as <see cref="Propose(ReadOnlyMemory{byte}, out LogIndex)"/>), or
    /// forwards it to the leader when this node follows one: it then returns <see cref="ProposeResult.Forwarded"/>
    /// and the leader's answer arrives as a <see cref="ForwardedProposal"/> with this <paramref name="requestId"/> in a
    /// later <see cref="Ready"/>. No answer arrives when a message is lost or the leader changes first: the host fails
    /// such proposals when it sees the leader or term change, and times out the rest. Request ids must not repeat
    /// within a node's life, nor across restarts (an answer sent to an earlier incarnation may still arrive).
    /// </summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> command, ulong requestId, out LogIndex index)
    {
        if (Role != RaftRole.Follower || Leader.IsNone || IsRemoved)
        {
            return Propose(command, out index);
        }

        index = LogIndex.Zero;
        Send(new Message
        {
            Type = MessageType.Propose,
            From = Id,
            To = Leader,
            Term = Term,
            Context = requestId,
            Entries = [new Entry(LogIndex.Zero, Term.Zero, EntryKind.Command, command)],
        });
        return ProposeResult.Forwarded;
    }

    /// <summary>Appends a follower's command as this leader's own, and tells the follower where, or that it refused.</summary>
    private void HandleForwardedProposal(Message message)
    {
        var index = LogIndex.Zero;
        var accepted = message.Entries is [{ Kind: EntryKind.Command } entry]
            && ProposeEntry(EntryKind.Command, entry.Data, out index) == ProposeResult.Accepted;
        Send(new Message
        {
            Type = MessageType.ProposeResponse,
            From = Id,
            To = message.From,
            Term = Term,
            Index = index,
            Context = message.Context,
            Reject = !accepted,
        });
    }

    private void HandleProposeResponse(Message message) =>
        _forwardedProposals.Add(new ForwardedProposal(message.Context, !message.Reject, message.Index, message.Term));
}
