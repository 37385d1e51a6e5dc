namespace Cairn.Simulation.Linearizability;

/// <summary>
/// The operations of the key-value register model that <see cref="LinearizabilityChecker"/> checks. A register holds
/// a value and a version, as an etcd-style key does: absent means version 0, each write of a value adds one to the
/// version, and making the key absent resets it to 0.
/// </summary>
public enum KvOperationKind
{
    /// <summary>
    /// Reads the current value of a key; the result carries the value read, or null if the key is absent, and
    /// optionally the version read.
    /// </summary>
    Get,

    /// <summary>Sets a key to <see cref="KvOperation.Value"/>; always succeeds.</summary>
    Put,

    /// <summary>
    /// Sets a key to <see cref="KvOperation.Value"/> if its current value equals <see cref="KvOperation.Expected"/>
    /// (null expects the key to be absent); otherwise fails and changes nothing.
    /// </summary>
    CompareAndSwap,

    /// <summary>Makes a key absent; always succeeds.</summary>
    Delete,

    /// <summary>
    /// Sets a key to <see cref="KvOperation.Value"/> if its current version equals
    /// <see cref="KvOperation.ExpectedVersion"/> (0 expects the key to be absent); otherwise fails and changes nothing.
    /// </summary>
    CompareVersionAndSwap,
}
