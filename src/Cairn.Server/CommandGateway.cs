using Cairn.Node;
using Cairn.Raft;
using Cairn.State;

namespace Cairn.Server;

/// <summary>
/// The way into the cluster shared by the HTTP and gRPC front ends: proposes commands (tagged with a client session for
/// exactly-once), runs reads (linearizable through ReadIndex, or stale from local state) and membership changes, each
/// bounded by the request timeout. Commands that carry the leader's clock (<see cref="ILeaderStampedCommand"/>: lease
/// grants and keep-alives) are stamped here, for every front end, on the node that proposes them. Thread-safe.
/// </summary>
internal sealed class CommandGateway(NodeHost node, ReplicatedStateMachine machine, LeaderClock clock, TimeSpan timeout)
{
    /// <summary>How long a request may wait for the cluster.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>The applied index of the latest snapshot this node restored (0 if none).</summary>
    public ulong RestoredIndex => machine.RestoredIndex;

    /// <summary>Proposes <paramref name="command"/> and waits until it is applied, refused or timed out.</summary>
    public async Task<GatewayOutcome> ProposeAsync(StateCommand command, ulong sessionId, ulong sequence, CancellationToken cancellationToken)
    {
        if (command is ILeaderStampedCommand stamped)
        {
            return await RunAsync(token => ProposeStampedAsync(stamped, sessionId, sequence, token), cancellationToken).ConfigureAwait(false);
        }

        var bytes = StateCodec.EncodeCommand(command, sessionId, sequence);
        return await RunAsync(async token => ToOutcome(await node.ProposeAsync(bytes, token).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers a read from local state, after a ReadIndex barrier unless <paramref name="linearizable"/> is false.</summary>
    public Task<GatewayOutcome> QueryAsync(StateCommand query, bool linearizable, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            if (linearizable)
            {
                var barrier = await node.ReadIndexAsync(token).ConfigureAwait(false);
                if (barrier.Status != ProposalStatus.Applied)
                {
                    return GatewayOutcome.Refused(barrier);
                }
            }

            return GatewayOutcome.Done(await node.Query(_ => machine.Machine.Query(query), token).ConfigureAwait(false));
        }, cancellationToken);

    /// <summary>Proposes a membership change and waits until it is applied, refused or timed out.</summary>
    public Task<GatewayOutcome> ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            var outcome = await node.ChangeMembershipAsync(change, token).ConfigureAwait(false);
            return outcome.Status == ProposalStatus.Applied ? GatewayOutcome.Done(EmptyResponse.Instance) : GatewayOutcome.Refused(outcome);
        }, cancellationToken);

    /// <summary>
    /// Stamps the command and proposes it in one step on the event loop, so the stamp is the term this node proposes
    /// in and its <see cref="LeaderClock"/> at that moment — the clock its sweeps carry, read after the request
    /// arrived. Only a leader proposes it (a follower's clock means nothing to the leader's sweeps): elsewhere the
    /// outcome is not-leader, and the HTTP API relays the request to the leader, which stamps its own.
    /// </summary>
    private async Task<GatewayOutcome> ProposeStampedAsync(ILeaderStampedCommand command, ulong sessionId, ulong sequence, CancellationToken cancellationToken)
    {
        var outcome = await node.ProposeAsLeaderAsync(
            loop => StateCodec.EncodeCommand(command.StampLeaderClock(loop.Core.Term.Value, clock.NowMs()), sessionId, sequence),
            cancellationToken).ConfigureAwait(false);
        return ToOutcome(outcome);
    }

    private static GatewayOutcome ToOutcome(ProposalOutcome outcome) =>
        outcome.Status == ProposalStatus.Applied ? GatewayOutcome.Done((StateResponse?)outcome.Result) : GatewayOutcome.Refused(outcome);

    private async Task<GatewayOutcome> RunAsync(Func<CancellationToken, Task<GatewayOutcome>> run, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await run(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return GatewayOutcome.TimedOut;
        }
    }
}

/// <summary>How a gateway request ended: applied with the state machine's response, refused by the node, or timed out.</summary>
/// <param name="Response">The state machine's response when applied (it may be an <see cref="ErrorResponse"/>).</param>
/// <param name="Refusal">The node's refusal (not leader, busy, rejected, stopped), when refused.</param>
/// <param name="IsTimeout">No answer within the request timeout.</param>
internal readonly record struct GatewayOutcome(StateResponse? Response, ProposalOutcome? Refusal, bool IsTimeout)
{
    public static readonly GatewayOutcome TimedOut = new(null, null, true);

    public bool Applied => Refusal is null && !IsTimeout;

    public static GatewayOutcome Done(StateResponse? response) => new(response, null, false);

    public static GatewayOutcome Refused(ProposalOutcome refusal) => new(null, refusal, false);
}
