using Cairn.Node;
using Cairn.Raft;
using Cairn.State;
using Cairn.State.Kv;
using Microsoft.Extensions.Logging;

namespace Cairn.Server;

/// <summary>
/// What only the leader does, by proposing commands (apply never reads a clock): when it starts leading it commits
/// <see cref="PromoteLeaderCommand"/>, which extends every lease and session by a grace period so a failover never
/// expires a lease early; then, every <see cref="Interval"/>, it commits <see cref="ExpireLeasesCommand"/> carrying its
/// clock (<see cref="LeaderClock"/>, the clock that also stamps lease grants and keep-alives), which advances the
/// committed time and expires what is due. Both carry the leader's term, so a deposed leader's late command is refused
/// by the state machine. Every <see cref="CompactionCheckInterval"/> it also compacts the watch history when it holds
/// more than twice <c>retention</c> revisions, keeping the latest <c>retention</c>.
/// </summary>
internal sealed partial class LeaderDuties(NodeHost node, ReplicatedStateMachine machine, TimeProvider time, LeaderClock clock, TimeSpan grace, ulong retention, ILogger logger)
    : IAsyncDisposable
{
    /// <summary>How often the leader considers compacting the history.</summary>
    public static readonly TimeSpan CompactionCheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often the leader advances the committed time: the precision of lease expiry.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    public void Start() => _running = Task.Run(RunAsync);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            await _running.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval, time);
        ulong promotedTerm = 0;
        var lastCompactionCheck = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var status = await node.GetStatusAsync(_stopping.Token).ConfigureAwait(false);
                if (status.Role != RaftRole.Leader)
                {
                    continue;
                }

                var term = status.Term.Value;
                if (promotedTerm != term)
                {
                    var promoted = await ProposeAsync(new PromoteLeaderCommand(term, NowMs(), (ulong)grace.TotalMilliseconds)).ConfigureAwait(false);
                    promotedTerm = promoted ? term : promotedTerm;
                    continue;
                }

                await ProposeAsync(new ExpireLeasesCommand(term, NowMs())).ConfigureAwait(false);
                if (retention > 0 && time.GetElapsedTime(lastCompactionCheck) >= CompactionCheckInterval)
                {
                    lastCompactionCheck = time.GetTimestamp();
                    await CompactIfDueAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (ObjectDisposedException)
        {
            // The node stopped first.
        }
    }

    private async Task CompactIfDueAsync()
    {
        var (revision, compacted) = await node.Query(_ => (machine.Machine.Revision, machine.Machine.Kv.CompactRevision), _stopping.Token).ConfigureAwait(false);
        if (revision > compacted + (2 * retention))
        {
            await ProposeAsync(new KvCompactCommand(revision - retention)).ConfigureAwait(false);
        }
    }

    private async Task<bool> ProposeAsync(StateCommand command)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(Interval * 10);
        try
        {
            // Only as leader: a deposed leader's duty must not travel on to the next one.
            var bytes = StateCodec.EncodeCommand(command);
            var outcome = await node.ProposeAsLeaderAsync(_ => bytes, deadline.Token).ConfigureAwait(false);
            return outcome.Status == ProposalStatus.Applied;
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            LogSlow(command.GetType().Name);
            return false;
        }
    }

    private ulong NowMs() => clock.NowMs();

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "leader duty {Command} not committed within a second")]
    private partial void LogSlow(string command);
}
