namespace Cairn.State.Watch;

/// <summary>What a watcher wants.</summary>
/// <param name="Key">The key, or the prefix when <paramref name="Prefix"/> is set (an empty prefix watches every key).</param>
/// <param name="Prefix">Whether <paramref name="Key"/> is a prefix.</param>
/// <param name="StartRevision">The first revision to receive; 0 means the next one (changes after subscribing).</param>
/// <param name="PrevKv">Whether events carry the key's previous state.</param>
public sealed record WatchRequest(byte[] Key, bool Prefix = false, ulong StartRevision = 0, bool PrevKv = false);
