namespace Cairn.State.Kv;

/// <summary>The response of one operation inside a <see cref="KvTxnResponse"/>.</summary>
public abstract record KvOpResponse;
