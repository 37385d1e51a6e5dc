namespace Cairn.State.Sessions;

/// <summary>One client session: the latest sequence number applied and its result (Raft thesis §6.3).</summary>
internal sealed class ClientSession(ulong id, ulong lastActivityMs)
{
    public ulong Id { get; } = id;

    /// <summary>The highest sequence number applied; 0 before the first request.</summary>
    public ulong LastSequence { get; set; }

    /// <summary>The result of <see cref="LastSequence"/>, returned again for a retry of it.</summary>
    public StateResponse? LastResponse { get; set; }

    /// <summary>The committed time of the last request; the session expires <see cref="StateMachineOptions.SessionTimeoutMs"/> later.</summary>
    public ulong LastActivityMs { get; set; } = lastActivityMs;
}
