namespace Cairn.State;

/// <summary>A command that was rejected; the state is exactly as before it (only the applied index moved).</summary>
/// <param name="Code">Why.</param>
/// <param name="Message">A one-line reason naming the field, e.g. "key is 1025 bytes; the limit is 1024".</param>
public sealed record ErrorResponse(StateStatus Code, string Message) : StateResponse
{
    /// <inheritdoc/>
    public override StateStatus Status => Code;
}
