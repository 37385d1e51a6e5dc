namespace Cairn.State;

/// <summary>The module a command is routed to: the second byte of every command.</summary>
public enum ModuleId : byte
{
    /// <summary>The dispatcher itself: sessions, committed time, leader promotion.</summary>
    System = 0,

    /// <summary>The key-value store with leases and watches.</summary>
    Kv = 1,

    /// <summary>The member registry: names and addresses of the cluster's members.</summary>
    Cluster = 2,
}
