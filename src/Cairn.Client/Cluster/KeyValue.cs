using System.Text;

namespace Cairn.Client.Cluster;

/// <summary>A key with its value and history counters, as etcd numbers them. Immutable.</summary>
/// <param name="Key">The key (UTF-8 text, 1 to 1,024 bytes).</param>
/// <param name="Value">The value bytes (at most 1 MiB); empty in a delete event.</param>
/// <param name="CreateRevision">The cluster revision that created the key (since it was last deleted).</param>
/// <param name="ModRevision">The cluster revision of the key's last change.</param>
/// <param name="Version">Writes since the key was created: 1 after the first put; reset by a delete.</param>
/// <param name="Lease">The lease the key is attached to, or 0.</param>
public sealed record KeyValue(string Key, ReadOnlyMemory<byte> Value, long CreateRevision, long ModRevision, long Version, long Lease)
{
    /// <summary>The value decoded as UTF-8 (invalid bytes become U+FFFD).</summary>
    public string ValueText => Encoding.UTF8.GetString(Value.Span);
}
