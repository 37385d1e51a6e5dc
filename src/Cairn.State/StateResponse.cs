namespace Cairn.State;

/// <summary>
/// The result of applying one command. Results are immutable; a session keeps its latest one and returns it for a retry.
/// Encode with <see cref="StateCodec.EncodeResponse"/>.
/// </summary>
public abstract record StateResponse
{
    /// <summary>The outcome class; <see cref="StateStatus.Ok"/> for every response but <see cref="ErrorResponse"/>.</summary>
    public virtual StateStatus Status => StateStatus.Ok;
}
