namespace Cairn.State.Kv;

/// <summary>The kind of change a watch event reports.</summary>
public enum WatchEventType : byte
{
    /// <summary>The key was created or updated.</summary>
    Put = 0,

    /// <summary>The key was deleted (directly, by prefix, or with its lease).</summary>
    Delete = 1,
}
