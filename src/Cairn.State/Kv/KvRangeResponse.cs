namespace Cairn.State.Kv;

/// <summary>A range's response.</summary>
/// <param name="Kvs">The keys found, in key order, at most the limit.</param>
/// <param name="Count">How many keys matched in total (may exceed <see cref="Kvs"/>' length).</param>
/// <param name="More">Whether keys were left out because of the limit.</param>
public sealed record KvRangeResponse(IReadOnlyList<KeyValue> Kvs, ulong Count, bool More) : KvOpResponse;
