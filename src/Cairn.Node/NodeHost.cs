using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Cairn.Raft;
using Microsoft.Extensions.Logging;

namespace Cairn.Node;

/// <summary>
/// Runs a <see cref="NodeLoop"/> on one event loop with a real clock and a real network. Everything else (network
/// reads, request handling, serialization) happens outside the loop and reaches it through one bounded channel; after
/// each batch of inputs the loop handles the core's readies — so proposals that arrive while a sync is in progress
/// travel together in the next one (group commit). All public members are thread-safe.
/// </summary>
/// <remarks>
/// The network is given as a send function and a reader of received messages rather than a transport type, so the
/// runtime does not depend on how messages travel (the server passes the peer transport's).
/// </remarks>
public sealed partial class NodeHost : IAsyncDisposable
{
    private readonly NodeOptions _options;
    private readonly ChannelReader<Message> _received;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NodeLoop _loop;
    private readonly Channel<Action<NodeLoop>> _requests;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _running;

    // The work running off the loop (at most one snapshot at a time); disposal waits for it so no file is still
    // being written when the caller closes the storage.
    private Task _offLoop = Task.CompletedTask;

    // The leader's id when another node leads (0 otherwise), written by the loop, read by request threads.
    private ulong _leaderElsewhere;

    /// <summary>Creates the host; call <see cref="Start"/> to run it.</summary>
    /// <param name="options">Runtime and Raft settings.</param>
    /// <param name="storage">The durable log; the host syncs it once per batch.</param>
    /// <param name="machine">The replicated state machine.</param>
    /// <param name="send">Sends a message to a peer without blocking (best effort; losses are fine).</param>
    /// <param name="received">Messages from peers.</param>
    /// <param name="seed">Seeds the election-timeout randomness.</param>
    /// <param name="time">The clock for ticks.</param>
    /// <param name="logger">Where leadership changes and fatal errors are logged.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public NodeHost(
        NodeOptions options, IRaftStorage storage, IStateMachine machine, Action<Message> send, ChannelReader<Message> received,
        ulong seed, TimeProvider time, ILogger<NodeHost> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _received = received;
        _time = time;
        _logger = logger;
        _loop = new NodeLoop(options, storage, machine, new SplitMix64(seed), send, RunOffLoop);
        _loop.LeadershipChanged += soft =>
        {
            Volatile.Write(ref _leaderElsewhere, soft.Role == RaftRole.Leader ? 0 : soft.Leader.Value);
            LogLeadership(soft.Role, soft.Term, soft.Leader);
        };
        _requests = Channel.CreateBounded<Action<NodeLoop>>(new BoundedChannelOptions(options.MaxQueuedRequests)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Raised on the event loop after a membership change is applied.</summary>
    public event Action<MembershipChange>? MembershipApplied
    {
        add => _loop.MembershipApplied += value;
        remove => _loop.MembershipApplied -= value;
    }

    /// <summary>
    /// The leader as this node last learned it, when that is another node; <see cref="NodeId.None"/> while this node
    /// leads or knows no leader. Read without entering the loop, so it lags a change by as long as the loop takes to
    /// report it: use it to route a request straight to the leader, never to decide anything that needs to be right.
    /// </summary>
    public NodeId LeaderElsewhere => new(Volatile.Read(ref _leaderElsewhere));

    /// <summary>Completes when the loop stops; faulted when it stopped on a fatal error (storage failure, broken invariant).</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the event loop, the ticker and the message pump.</summary>
    public void Start()
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("already started");
        }

        _running = Task.WhenAll(
            Task.Run(RunLoopAsync),
            Task.Run(TickAsync),
            Task.Run(PumpMessagesAsync));
    }

    /// <summary>
    /// Proposes a command and waits until it is applied (the result is the state machine's), lost, or refused. A
    /// follower forwards the command to the leader over the peer transport and waits for it as the leader would.
    /// Cancellation abandons the wait, not the proposal: it may still be applied.
    /// </summary>
    public Task<ProposalOutcome> ProposeAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken) =>
        Submit((loop, complete) => loop.Propose(command, complete), cancellationToken);

    /// <summary>
    /// Proposes, only if this node leads, the command that <paramref name="build"/> makes on the event loop from the
    /// node's state at that moment (for example a command stamped with the leader's term and clock, which would mean
    /// nothing coming from another node), and waits as <see cref="ProposeAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
    /// does; elsewhere the outcome is <see cref="ProposalStatus.NotLeader"/>. <paramref name="build"/> runs on the loop
    /// only when this node leads: it must be quick and must not block.
    /// </summary>
    public Task<ProposalOutcome> ProposeAsLeaderAsync(Func<NodeLoop, ReadOnlyMemory<byte>> build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        return Submit((loop, complete) => loop.ProposeAsLeader(loop.Core.Role == RaftRole.Leader ? build(loop) : ReadOnlyMemory<byte>.Empty, complete), cancellationToken);
    }

    /// <summary>Waits until local state may be read linearizably (ReadIndex), or says why not.</summary>
    public Task<ProposalOutcome> ReadIndexAsync(CancellationToken cancellationToken) =>
        Submit((loop, complete) => loop.ReadIndex(complete), cancellationToken);

    /// <summary>Proposes a membership change and waits until it is applied, lost or refused.</summary>
    public Task<ProposalOutcome> ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken) =>
        Submit((loop, complete) => loop.ChangeMembership(change, complete), cancellationToken);

    /// <summary>Starts a leadership transfer to <paramref name="target"/>.</summary>
    public Task<ProposeResult> TransferLeadershipAsync(NodeId target, CancellationToken cancellationToken) =>
        Query(loop => loop.TransferLeadership(target), cancellationToken);

    /// <summary>The node's status, taken on the event loop.</summary>
    public Task<NodeStatus> GetStatusAsync(CancellationToken cancellationToken) => Query(loop => loop.Status(), cancellationToken);

    /// <summary>Runs <paramref name="read"/> on the event loop (for example to read state-machine data after a read barrier).</summary>
    public Task<T> Query<T>(Func<NodeLoop, T> read, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = new Action<NodeLoop>(loop => done.TrySetResult(read(loop)));
        return EnqueueAsync(request, done, cancellationToken);
    }

    /// <summary>Stops the loop, fails every waiting request with <see cref="ProposalStatus.Stopped"/>, and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _requests.Writer.TryComplete();
        if (_running is not null)
        {
            try
            {
                await _running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping is the expected way out of the loops.
            }
        }

        await _offLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private Task<ProposalOutcome> Submit(Action<NodeLoop, Action<ProposalOutcome>> start, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<ProposalOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = new Action<NodeLoop>(loop => start(loop, outcome => done.TrySetResult(outcome)));
        return EnqueueAsync(request, done, cancellationToken);
    }

    private async Task<T> EnqueueAsync<T>(Action<NodeLoop> request, TaskCompletionSource<T> done, CancellationToken cancellationToken)
    {
        if (_completion.Task.IsCompleted || !_requests.Writer.TryWrite(request))
        {
            if (_completion.Task.IsCompleted)
            {
                throw new ObjectDisposedException(nameof(NodeHost), "the node has stopped");
            }

            await _requests.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunLoopAsync()
    {
        var reader = _requests.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                // Drain everything queued: one batch, then one round of readies (one sync for all of it).
                while (reader.TryRead(out var request))
                {
                    request(_loop);
                }

                _loop.Flush();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Normal stop.
        }
        catch (Exception e)
        {
            LogFatal(e);
            _loop.FailAll(ProposalStatus.Stopped);
            _completion.TrySetException(e);
            await _stopping.CancelAsync().ConfigureAwait(false);
            return;
        }

        _loop.FailAll(ProposalStatus.Stopped);
        _completion.TrySetResult();
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool, then what it returns (or its exception) on the loop.</summary>
    private void RunOffLoop(Func<Action> work)
    {
        _offLoop = Task.Run(async () =>
        {
            Action then;
            try
            {
                then = work();
            }
            catch (Exception e)
            {
                var failure = ExceptionDispatchInfo.Capture(e);
                then = failure.Throw;
            }

            try
            {
                await _requests.Writer.WriteAsync(_ => then(), _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                // Stopping: the loop will not run it, and a restart discards a snapshot that was staged but not recorded.
            }
        });
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(_options.TickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                await _requests.Writer.WriteAsync(static loop => loop.Tick(), _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            // Stopping.
        }
    }

    private async Task PumpMessagesAsync()
    {
        try
        {
            await foreach (var message in _received.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                await _requests.Writer.WriteAsync(loop => loop.Receive(message), _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "raft: now {Role} in {Term}, leader {Leader}")]
    private partial void LogLeadership(RaftRole role, Term term, NodeId leader);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Critical, Message = "node stopped on a fatal error; its data must be checked before it restarts")]
    private partial void LogFatal(Exception exception);
}
