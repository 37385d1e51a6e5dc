namespace Cairn.Client.Cluster;

/// <summary>One change seen by <see cref="CairnClient.WatchAsync"/>. Events come in revision order; several may share a revision (a transaction, a lease expiry).</summary>
/// <param name="Type">Put or delete.</param>
/// <param name="Revision">The cluster revision of the change.</param>
/// <param name="Kv">The key after the change (for a delete: the key, with an empty value).</param>
public sealed record WatchEvent(WatchEventType Type, long Revision, KeyValue Kv);
