namespace Cairn.State;

/// <summary>A new client session.</summary>
/// <param name="SessionId">Its id (the log index of the registering command); the first sequence number to use is 1.</param>
public sealed record SessionRegisteredResponse(ulong SessionId) : StateResponse;
