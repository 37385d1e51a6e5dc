namespace Cairn.State.Kv;

/// <summary>One change to one key, emitted by apply in revision order (and in operation order within a revision).</summary>
/// <param name="Type">Put or delete.</param>
/// <param name="Kv">The key after the change; for a delete, the key with an empty value, zero create revision and
/// version, and the deletion's revision as <see cref="KeyValue.ModRevision"/>.</param>
/// <param name="PrevKv">The key before the change, or null if it was absent.</param>
public sealed record WatchEvent(WatchEventType Type, KeyValue Kv, KeyValue? PrevKv)
{
    /// <summary>The revision of the change.</summary>
    public ulong Revision => Kv.ModRevision;
}
