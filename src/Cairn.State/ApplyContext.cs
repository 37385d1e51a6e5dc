using Cairn.State.Kv;

namespace Cairn.State;

/// <summary>
/// What a module sees while applying one command: the log index, the committed time, the cluster-wide revision
/// counter and the sink for change events. Owned by the <see cref="StateMachine"/>; valid only during the call.
/// </summary>
public sealed class ApplyContext
{
    private readonly List<WatchEvent> _events = [];

    internal ApplyContext(StateMachineOptions options) => Options = options;

    /// <summary>The log index of the command being applied.</summary>
    public ulong Index { get; private set; }

    /// <summary>The committed time in milliseconds (advanced only by <see cref="ExpireLeasesCommand"/>).</summary>
    public ulong CommittedTimeMs { get; private set; }

    /// <summary>The cluster-wide revision: the revision of the latest write, 1 for an empty store (as in etcd).</summary>
    public ulong Revision { get; private set; }

    /// <summary>The machine's options (identical on every replica).</summary>
    public StateMachineOptions Options { get; }

    /// <summary>The events emitted so far by this command, in order.</summary>
    internal IReadOnlyList<WatchEvent> Events => _events;

    /// <summary>Starts a write transaction: advances the revision by one and returns it. Call once per transaction.</summary>
    public ulong AllocateRevision() => ++Revision;

    /// <summary>Records a change event; events must be emitted in revision order.</summary>
    public void Emit(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _events.Add(change);
    }

    internal void Begin(ulong index, ulong committedTimeMs, ulong revision)
    {
        Index = index;
        CommittedTimeMs = committedTimeMs;
        Revision = revision;
        _events.Clear();
    }

    internal void SetCommittedTime(ulong committedTimeMs) => CommittedTimeMs = committedTimeMs;
}
