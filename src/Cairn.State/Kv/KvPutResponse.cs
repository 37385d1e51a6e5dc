namespace Cairn.State.Kv;

/// <summary>A put's response.</summary>
/// <param name="PrevKv">The key's state before the put, when asked for and the key existed.</param>
public sealed record KvPutResponse(KeyValue? PrevKv) : KvOpResponse;
