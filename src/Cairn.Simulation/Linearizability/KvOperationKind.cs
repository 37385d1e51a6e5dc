namespace Cairn.Simulation.Linearizability;

/// <summary>The operations of the key-value register model that <see cref="LinearizabilityChecker"/> checks.</summary>
public enum KvOperationKind
{
    /// <summary>Reads the current value of a key; the result carries the value read, or null if the key is absent.</summary>
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
}
