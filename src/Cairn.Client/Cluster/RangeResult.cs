namespace Cairn.Client.Cluster;

/// <summary>The keys under a prefix, in key order, read at one revision.</summary>
/// <param name="Revision">The cluster revision the keys were read at.</param>
/// <param name="Kvs">The keys, at most the limit asked for (the server's cap is 10,000).</param>
/// <param name="More">True when more keys match than were returned.</param>
public sealed record RangeResult(long Revision, IReadOnlyList<KeyValue> Kvs, bool More);
