using System.Text;

namespace Cairn.Raft.Tests.Harness;

/// <summary>
/// One member of a <see cref="TestCluster"/>: its durable storage (which survives crashes), the current incarnation of
/// its <see cref="RaftNode"/>, and the state machine the host applies to (the list of non-empty commands).
/// </summary>
internal sealed class TestMember
{
    private readonly ulong _seed;
    private ulong _incarnation;

    public TestMember(RaftOptions options, MemoryStorage storage, ulong seed)
    {
        Options = options;
        Storage = storage;
        _seed = seed;
        Node = Start();
    }

    public NodeId Id => Options.Id;

    public RaftOptions Options { get; }

    public MemoryStorage Storage { get; }

    public RaftNode Node { get; private set; }

    public bool IsDown { get; private set; }

    /// <summary>The state machine: non-empty commands in the order applied, restored from snapshots on restart.</summary>
    public List<string> Commands { get; } = [];

    /// <summary>Every entry applied by the current incarnation, in order.</summary>
    public List<Entry> AppliedEntries { get; } = [];

    /// <summary>Every read state released to the current incarnation.</summary>
    public List<ReadState> ReadStates { get; } = [];

    /// <summary>The leader's answers to proposals this member forwarded, in arrival order.</summary>
    public List<ForwardedProposal> Forwarded { get; } = [];

    /// <summary>
    /// Every ready handled by the current incarnation, for assertions about the Ready contract. Their
    /// <see cref="Ready.Entries"/> and <see cref="Ready.CommittedEntries"/> are pooled arrays given back at Advance:
    /// only the other members may be read afterwards.
    /// </summary>
    public List<Ready> Readies { get; } = [];

    /// <summary>Stops the node; whatever it had not persisted is lost.</summary>
    public void Crash() => IsDown = true;

    /// <summary>Starts a new incarnation over the same storage, as a host does after a crash.</summary>
    public void Restart()
    {
        IsDown = false;
        Node = Start();
    }

    /// <summary>Handles every ready in the documented order: persist, send, apply, advance.</summary>
    public void HandleReadies(Action<Message> send)
    {
        while (!IsDown && Node.HasReady)
        {
            var ready = Node.GetReady();
            Readies.Add(ready);
            if (ready.MustPersist)
            {
                Storage.Persist(ready.HardState, ready.Entries, ready.Snapshot);
            }

            foreach (var message in ready.Messages)
            {
                send(message);
            }

            if (ready.Snapshot is { } snapshot)
            {
                Commands.Clear();
                Commands.AddRange(DecodeState(snapshot.Data));
            }

            foreach (var entry in ready.CommittedEntries)
            {
                AppliedEntries.Add(entry);
                if (entry.Kind == EntryKind.Command && !entry.Data.IsEmpty)
                {
                    Commands.Add(Encoding.UTF8.GetString(entry.Data.Span));
                }
            }

            ReadStates.AddRange(ready.ReadStates);
            Forwarded.AddRange(ready.ForwardedProposals);
            Node.Advance(ready);
        }
    }

    /// <summary>Takes a snapshot at the applied index and compacts the log, as the host does after applying.</summary>
    public void Compact() => Storage.SaveSnapshot(Node.Applied, Node.Membership, EncodeState(Commands));

    private RaftNode Start()
    {
        _incarnation++;
        Commands.Clear();
        Commands.AddRange(DecodeState(Storage.Snapshot.Data));
        AppliedEntries.Clear();
        ReadStates.Clear();
        Forwarded.Clear();
        Readies.Clear();
        return new RaftNode(Options, Storage, new SplitMix64(_seed + (_incarnation * 0x9E3779B97F4A7C15UL)));
    }

    private static byte[] EncodeState(List<string> commands) => Encoding.UTF8.GetBytes(string.Join('\n', commands));

    private static string[] DecodeState(ReadOnlyMemory<byte> data) =>
        data.IsEmpty ? [] : Encoding.UTF8.GetString(data.Span).Split('\n');
}
