namespace Cairn.Client.Cluster;

/// <summary>What happened to a watched key.</summary>
public enum WatchEventType
{
    /// <summary>The key was created or changed.</summary>
    Put = 0,

    /// <summary>The key was deleted (explicitly, by a prefix delete, or because its lease expired).</summary>
    Delete = 1,
}
