namespace Cairn.State.Kv;

/// <summary>A key with its value and the revisions that etcd users know.</summary>
/// <param name="Key">The key bytes (1 to <see cref="KvLimits.MaxKeyBytes"/>).</param>
/// <param name="Value">The value bytes (0 to <see cref="KvLimits.MaxValueBytes"/>); empty in a delete event.</param>
/// <param name="CreateRevision">The revision of the put that created the key since it was last absent; 0 in a delete event.</param>
/// <param name="ModRevision">The revision of the last change to the key (for a delete event, the deletion's revision).</param>
/// <param name="Version">The number of puts since the key was created (1 after the first); a delete resets it to 0.</param>
/// <param name="LeaseId">The lease the key is attached to, or 0.</param>
public sealed record KeyValue(byte[] Key, byte[] Value, ulong CreateRevision, ulong ModRevision, ulong Version, ulong LeaseId);
