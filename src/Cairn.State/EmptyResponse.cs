namespace Cairn.State;

/// <summary>The result of an empty command (a no-op that only moves the applied index).</summary>
public sealed record EmptyResponse : StateResponse
{
    /// <summary>The one instance.</summary>
    public static readonly EmptyResponse Instance = new();
}
